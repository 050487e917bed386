/**
 * The account's FMUs on the Models floor: upload (file picker or a .fmu file dropped on the zone), the list with what
 * identifies an archive, one FMU's modelDescription.xml (inputs, outputs and parameters with their units), delete.
 */
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import type { Fmu, FmuSummary, FmuVariable, MachineModel } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { ErrorView, Empty, Loading } from '../../components/states.js';
import { navigate } from '../../lib/router.js';
import { FMU_TYPE } from './model-doc.js';

/** A model that uses an FMU, to say what deleting it breaks. */
export interface FmuUse {
  readonly project: string;
  readonly model: MachineModel;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The models that name an FMU among the account's models. */
export function usesOf(fmuId: string, models: readonly FmuUse[]): FmuUse[] {
  return models.filter((u) => u.model.components.some((c) => c.type === FMU_TYPE && c.properties?.fmu === fmuId));
}

/** The .fmu files among dropped or picked files (others are named in the refusal). */
export function fmuFiles(files: readonly File[]): { fmus: File[]; others: string[] } {
  const fmus = files.filter((f) => f.name.toLowerCase().endsWith('.fmu'));
  return { fmus, others: files.filter((f) => !fmus.includes(f)).map((f) => f.name) };
}

/**
 * Where an FMU is uploaded: a zone that takes a dropped .fmu file and a button that opens the file picker. The
 * server validates the archive; its refusal (which names the file and the element) is shown here as it came.
 */
export function FmuUpload(props: { onUploaded: (fmu: Fmu) => void; compact?: boolean }): ReactNode {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<unknown>();
  const upload = async (files: readonly File[]): Promise<void> => {
    const { fmus, others } = fmuFiles(files);
    setError(undefined);
    if (fmus.length === 0) {
      setError(new Error(`Drop a .fmu file (got ${others.join(', ') || 'no file'})`));
      return;
    }
    for (const file of fmus) {
      setBusy(file.name);
      try {
        props.onUploaded(await api.uploadFmu(file));
      } catch (e) {
        setError(e);
        break;
      } finally {
        setBusy(null);
      }
    }
  };
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setOver(false);
    void upload([...e.dataTransfer.files]);
  };
  return (
    <div
      className={`fmu-upload${over ? ' over' : ''}${props.compact === true ? ' compact' : ''}`}
      data-testid="fmu-drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <input
        ref={input}
        id="fmu-file"
        type="file"
        accept=".fmu"
        className="sr-only"
        tabIndex={-1}
        aria-label="FMU file to upload"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          void upload(files);
        }}
      />
      <button type="button" onClick={() => input.current?.click()} disabled={busy !== null}>
        {props.compact === true ? 'Upload…' : 'Upload an FMU…'}
      </button>
      <span className="faint">
        {busy !== null
          ? `Uploading ${busy}…`
          : props.compact === true
            ? 'or drop a .fmu here'
            : 'or drop a .fmu file here (FMI 2.0 or 3.0 co-simulation)'}
      </span>
      <span role="status" className="sr-only">
        {busy !== null ? `Uploading ${busy}` : ''}
      </span>
      {error !== undefined && <ErrorView error={error} title="Upload refused" />}
    </div>
  );
}

const byCausality = (fmu: Fmu, causality: FmuVariable['causality']): FmuVariable[] =>
  fmu.variables.filter((v) => v.causality === causality);

function VariableTable({ title, variables }: { title: string; variables: readonly FmuVariable[] }): ReactNode {
  if (variables.length === 0) return null;
  return (
    <table className="fmu-variables">
      <caption>
        {title} <span className="faint num">({variables.length})</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Variability</th>
          <th scope="col">Start</th>
          <th scope="col">Unit</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {variables.map((v) => (
          <tr key={v.valueReference + v.name}>
            <th scope="row">
              <code>{v.name}</code>
            </th>
            <td>{v.type}</td>
            <td>{v.variability}</td>
            <td className="num">{v.start === undefined ? '—' : String(v.start)}</td>
            <td>{v.unit ?? '—'}</td>
            <td>{v.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What an FMU's modelDescription.xml says: identity, capabilities, default experiment, its variables by role. */
export function FmuDetails({ fmu }: { fmu: Fmu }): ReactNode {
  const experiment = Object.entries(fmu.defaultExperiment).map(([k, v]) => `${k} ${String(v)}`);
  const parameters = fmu.variables.filter((v) => v.causality === 'parameter' || v.causality === 'calculatedParameter');
  return (
    <section className="fmu-details" aria-label={`FMU ${fmu.name}`}>
      <h3>
        {fmu.name} <span className="faint">model {fmu.modelName}</span>
      </h3>
      {fmu.description !== null && <p>{fmu.description}</p>}
      <dl className="fmu-facts">
        <dt>FMI version</dt>
        <dd>{fmu.fmiVersion} co-simulation</dd>
        <dt>Generated by</dt>
        <dd>{fmu.generationTool ?? '—'}</dd>
        <dt>{fmu.fmiVersion === '2.0' ? 'GUID' : 'Instantiation token'}</dt>
        <dd>
          <code>{fmu.instantiationToken}</code>
        </dd>
        <dt>Default experiment</dt>
        <dd>{experiment.length > 0 ? experiment.join(' · ') : 'none'}</dd>
        <dt>Capabilities</dt>
        <dd>
          {fmu.capabilities.canHandleVariableCommunicationStepSize ? 'variable step' : 'fixed step only'} ·{' '}
          {fmu.capabilities.canGetAndSetFMUState ? 'gets and sets its state' : 'no state get/set'}
        </dd>
        <dt>Size</dt>
        <dd className="num">{formatBytes(fmu.sizeBytes)}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="sha">{fmu.sha256}</code>
        </dd>
      </dl>
      <VariableTable title="Inputs" variables={byCausality(fmu, 'input')} />
      <VariableTable title="Outputs" variables={byCausality(fmu, 'output')} />
      <VariableTable title="Parameters" variables={parameters} />
    </section>
  );
}

/** Delete, after saying which models use the FMU (their runs fail until they name another one). */
function DeleteFmu(props: {
  fmu: Pick<FmuSummary, 'id' | 'name'>;
  uses: readonly FmuUse[];
  onDeleted: () => void;
}): ReactNode {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>();
  if (!asking)
    return (
      <button type="button" className="ghost" onClick={() => setAsking(true)} aria-label={`Delete ${props.fmu.name}`}>
        Delete
      </button>
    );
  return (
    <div role="alertdialog" aria-label={`Delete ${props.fmu.name}?`} className="fmu-confirm">
      <p>
        Delete <strong>{props.fmu.name}</strong>?{' '}
        {props.uses.length === 0
          ? 'No model uses it.'
          : `Used by ${props.uses.map((u) => `${u.model.name} (${u.project})`).join(', ')}: their runs fail until they name another FMU.`}
      </p>
      <button
        type="button"
        className="danger"
        onClick={() => api.deleteFmu(props.fmu.id).then(props.onDeleted, setError)}
      >
        Delete {props.fmu.name}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
      {error !== undefined && <ErrorView error={error} />}
    </div>
  );
}

/** The FMU library: upload, the list, and the picked FMU whole. */
export function FmuLibrary(props: {
  fmus: readonly Fmu[] | undefined;
  fmuId: string;
  uses: readonly FmuUse[];
  onChanged: () => void;
}): ReactNode {
  const { fmus, fmuId } = props;
  const shown = fmus?.find((f) => f.id === fmuId);
  return (
    <div className="fmu-library">
      <div className="row">
        <h2>FMUs</h2>
        <FmuUpload
          onUploaded={(f) => {
            props.onChanged();
            navigate({ view: 'fmus', fmuId: f.id });
          }}
        />
      </div>
      {fmus === undefined ? (
        <Loading />
      ) : fmus.length === 0 ? (
        <Empty title="No FMUs yet">
          Upload a co-simulation FMU exported from a Modelica tool, Simulink or Dymola; then drag it into a model.
        </Empty>
      ) : (
        <table className="fmu-list" aria-label="FMUs of this account">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">FMI</th>
              <th scope="col">Model</th>
              <th scope="col">Variables</th>
              <th scope="col">Size</th>
              <th scope="col">SHA-256</th>
              <th scope="col">Uploaded</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {fmus.map((f) => (
              <tr key={f.id} aria-current={f.id === fmuId ? 'true' : undefined}>
                <th scope="row">
                  <a href={`#/fmus/${encodeURIComponent(f.id)}`}>{f.name}</a>
                </th>
                <td className="num">{f.fmiVersion}</td>
                <td>{f.modelName}</td>
                <td className="num">
                  {byCausality(f, 'input').length} in · {byCausality(f, 'output').length} out · {f.variables.length} in
                  all
                </td>
                <td className="num">{formatBytes(f.sizeBytes)}</td>
                <td>
                  <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
                </td>
                <td className="num">{new Date(f.createdAt).toLocaleString()}</td>
                <td>
                  <DeleteFmu
                    fmu={f}
                    uses={usesOf(f.id, props.uses)}
                    onDeleted={() => {
                      props.onChanged();
                      if (f.id === fmuId) navigate({ view: 'fmus' });
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {fmuId !== '' && fmus !== undefined && shown === undefined && (
        <ErrorView error={new Error(`No FMU ${fmuId} in this account (deleted, or never uploaded here)`)} />
      )}
      {shown !== undefined && <FmuDetails fmu={shown} />}
    </div>
  );
}
