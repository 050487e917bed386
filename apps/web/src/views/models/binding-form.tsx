import { useState, type ReactNode } from 'react';
import type { ModelBinding, ModelBindingInput, ProcessCatalogue } from '@doppel/client';
import type { ApiIssue } from '../../api/types.js';
import { portsOf, type ModelDoc } from './model-doc.js';

export type Protocol = 'opcua' | 'modbus' | 'mqtt';

/** How each protocol names its endpoint and its points, for labels and examples in the form. */
export const PROTOCOLS: Record<
  Protocol,
  { title: string; scheme: string; endpoint: string; point: string; address: string }
> = {
  opcua: {
    title: 'OPC UA',
    scheme: 'opc.tcp://',
    endpoint: 'opc.tcp://127.0.0.1:4840',
    point: 'Node id',
    address: 'ns=1;s=Tank.Level',
  },
  modbus: {
    title: 'Modbus TCP',
    scheme: 'modbus://',
    endpoint: 'modbus://127.0.0.1:502?unit=1',
    point: 'Register',
    address: 'hr:12:f32',
  },
  mqtt: { title: 'MQTT', scheme: 'mqtt://', endpoint: 'mqtt://127.0.0.1:1883', point: 'Topic', address: 'plant/tank' },
};

export function protocolOf(endpoint: string): Protocol | null {
  if (endpoint.startsWith('opc.tcp://')) return 'opcua';
  if (endpoint.startsWith('modbus://')) return 'modbus';
  if (endpoint.startsWith('mqtt://') || endpoint.startsWith('mqtts://')) return 'mqtt';
  return null;
}

/** The model's signals a binding may name: inputs feed a source's `out`, outputs read any output port. */
export function signalsOf(catalogue: ProcessCatalogue, doc: ModelDoc, direction: 'input' | 'output'): string[] {
  return doc.components.flatMap((p) =>
    direction === 'input'
      ? p.component.type === 'source'
        ? [`${p.component.id}.out`]
        : []
      : portsOf(catalogue, p.component)
          .filter((port) => port.direction === 'out')
          .map((port) => `${p.component.id}.${port.name}`),
  );
}

interface Draft {
  direction: 'input' | 'output';
  signal: string;
  protocol: Protocol;
  endpoint: string;
  address: string;
  jsonPath: string;
  scale: string;
  offset: string;
  unit: string;
  deadband: string;
  safeValue: string;
  onLoss: 'hold' | 'default' | 'pause';
  lossValue: string;
}

function draftOf(binding: ModelBinding | null): Draft {
  const text = (v: number | boolean | string | undefined) => (v === undefined ? '' : String(v));
  return {
    direction: binding?.direction ?? 'input',
    signal: binding?.signal ?? '',
    protocol: (binding && protocolOf(binding.endpoint)) ?? 'opcua',
    endpoint: binding?.endpoint ?? '',
    address: binding?.address ?? '',
    jsonPath: binding?.jsonPath ?? '',
    scale: text(binding?.scale),
    offset: text(binding?.offset),
    unit: binding?.unit ?? '',
    deadband: text(binding?.deadband),
    safeValue: text(binding?.safeValue),
    onLoss: binding?.onLoss?.policy ?? 'hold',
    lossValue: binding?.onLoss?.policy === 'default' ? text(binding.onLoss.value) : '',
  };
}

/** A typed value from a text field: true/false, on/off, or a number; the field's own name in the error. */
function signalValue(text: string, field: keyof Draft): number | boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === 'on') return true;
  if (t === 'false' || t === 'off') return false;
  const n = Number(t);
  if (t === '' || !Number.isFinite(n)) throw new FieldError(field, `expected a number, true or false, got "${text}"`);
  return n;
}

function numberOf(text: string, field: keyof Draft): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new FieldError(field, `expected a number, got "${text}"`);
  return n;
}

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The binding the draft describes, as the API takes it; fields that do not apply to its direction are left out. */
function inputOf(d: Draft): ModelBindingInput {
  const scale = numberOf(d.scale, 'scale');
  const offset = numberOf(d.offset, 'offset');
  const deadband = numberOf(d.deadband, 'deadband');
  return {
    signal: d.signal,
    direction: d.direction,
    endpoint: d.endpoint.trim(),
    address: d.address.trim(),
    ...(d.protocol === 'mqtt' && d.jsonPath.trim() !== '' ? { jsonPath: d.jsonPath.trim() } : {}),
    ...(scale !== undefined ? { scale } : {}),
    ...(offset !== undefined ? { offset } : {}),
    ...(deadband !== undefined ? { deadband } : {}),
    ...(d.unit.trim() !== '' ? { unit: d.unit.trim() } : {}),
    ...(d.direction === 'output' && d.safeValue.trim() !== ''
      ? { safeValue: signalValue(d.safeValue, 'safeValue') }
      : {}),
    ...(d.direction === 'input'
      ? {
          onLoss:
            d.onLoss === 'default'
              ? { policy: 'default' as const, value: signalValue(d.lossValue, 'lossValue') }
              : { policy: d.onLoss },
        }
      : {}),
  };
}

/**
 * Create or edit one binding: the model's signal, the device (protocol, endpoint) and its point, scale, offset and
 * unit, and what happens at the edges (an input's loss policy, an output's safe value). The server checks it against
 * the model and the protocol's addressing; its located issues show under their fields.
 */
export function BindingForm(props: {
  catalogue: ProcessCatalogue;
  doc: ModelDoc;
  binding: ModelBinding | null;
  issues: readonly ApiIssue[];
  onSubmit: (input: ModelBindingInput) => void;
  onCancel: () => void;
}): ReactNode {
  const [d, setD] = useState<Draft>(() => draftOf(props.binding));
  const [localIssue, setLocalIssue] = useState<FieldError | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((old) => ({ ...old, [key]: value }));
  const signals = signalsOf(props.catalogue, props.doc, d.direction);
  const proto = PROTOCOLS[d.protocol];
  const id = (field: string) => `binding-${field}`;
  const issueOf = (field: string): string | undefined =>
    localIssue?.field === field
      ? localIssue.message
      : props.issues
          .filter((i) => i.path === field || i.path?.startsWith(`${field}.`) === true)
          .map((i) => i.message)
          .join('; ') || undefined;
  const described = (field: string) =>
    issueOf(field) === undefined ? {} : { 'aria-describedby': id(`${field}-issue`) };
  const invalid = (field: string) => (issueOf(field) === undefined ? {} : { 'aria-invalid': true as const });
  const problem = (field: string): ReactNode => {
    const text = issueOf(field);
    return text === undefined ? null : (
      <span id={id(`${field}-issue`)} className="field-error">
        {text}
      </span>
    );
  };
  const field = (name: keyof Draft, label: string, placeholder = '', inputMode?: 'decimal'): ReactNode => (
    <div className="binding-field">
      <label htmlFor={id(name)}>{label}</label>
      <input
        id={id(name)}
        value={d[name]}
        placeholder={placeholder}
        inputMode={inputMode}
        onChange={(e) => set(name, e.currentTarget.value)}
        {...described(name)}
        {...invalid(name)}
      />
      {problem(name)}
    </div>
  );

  return (
    <form
      className="binding-form"
      aria-label={props.binding === null ? 'New binding' : `Edit binding ${props.binding.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        try {
          setLocalIssue(null);
          props.onSubmit(inputOf(d));
        } catch (error) {
          if (error instanceof FieldError) setLocalIssue(error);
          else throw error;
        }
      }}
    >
      <div className="binding-field">
        <label htmlFor={id('direction')}>Direction</label>
        <select
          id={id('direction')}
          value={d.direction}
          onChange={(e) => {
            const direction = e.currentTarget.value as Draft['direction'];
            setD((old) => ({
              ...old,
              direction,
              signal: signalsOf(props.catalogue, props.doc, direction).includes(old.signal) ? old.signal : '',
            }));
          }}
        >
          <option value="input">input: device → model</option>
          <option value="output">output: model → device</option>
        </select>
      </div>
      <div className="binding-field">
        <label htmlFor={id('signal')}>Signal</label>
        <select
          id={id('signal')}
          value={d.signal}
          onChange={(e) => set('signal', e.currentTarget.value)}
          {...described('signal')}
          {...invalid('signal')}
        >
          <option value="">{signals.length === 0 ? 'no signal fits (inputs feed a source)' : '—'}</option>
          {signals.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        {problem('signal')}
      </div>
      <div className="binding-field">
        <label htmlFor={id('protocol')}>Protocol</label>
        <select
          id={id('protocol')}
          value={d.protocol}
          onChange={(e) => {
            const protocol = e.currentTarget.value as Protocol;
            // A typed endpoint of another protocol would be refused: start from the new one's scheme.
            setD((old) => ({ ...old, protocol, endpoint: protocolOf(old.endpoint) === protocol ? old.endpoint : '' }));
          }}
        >
          {(Object.keys(PROTOCOLS) as Protocol[]).map((p) => (
            <option key={p} value={p}>
              {PROTOCOLS[p].title}
            </option>
          ))}
        </select>
      </div>
      {field('endpoint', 'Endpoint', proto.endpoint)}
      {field('address', proto.point, proto.address)}
      {d.protocol === 'mqtt' && field('jsonPath', 'JSON path', 'state.level')}
      {field('scale', 'Scale', '1', 'decimal')}
      {field('offset', 'Offset', '0', 'decimal')}
      {field('unit', 'Device unit', '°C')}
      {field('deadband', 'Deadband', '0', 'decimal')}
      {d.direction === 'output' ? (
        field('safeValue', 'Safe value (on stop)', '0, true or false')
      ) : (
        <div className="binding-field">
          <label htmlFor={id('onLoss')}>On connection loss</label>
          <select
            id={id('onLoss')}
            value={d.onLoss}
            onChange={(e) => set('onLoss', e.currentTarget.value as Draft['onLoss'])}
          >
            <option value="hold">hold the last value</option>
            <option value="default">use a default</option>
            <option value="pause">pause the model</option>
          </select>
        </div>
      )}
      {d.direction === 'input' && d.onLoss === 'default' && field('lossValue', 'Default value', '0')}
      <div className="binding-actions row">
        <button type="submit" className="primary" disabled={d.signal === '' || d.endpoint.trim() === ''}>
          {props.binding === null ? 'Add binding' : 'Save binding'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
