import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  useNodesState,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeProps,
  type NodeTypes,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { createContext, useContext, useEffect, useMemo, type DragEvent, type ReactNode } from 'react';
import type { ProcessModelConnection } from '@doppel/client';
import { fmuOf, portsOf, unitOf, type ModelCatalogue, type ModelDoc } from './model-doc.js';

/** Live values of output ports by `component.port`, while a run shows. */
const LiveValues = createContext<Readonly<Record<string, number | boolean>>>({});
const Catalogue = createContext<ModelCatalogue | null>(null);

export const PALETTE_MIME = 'application/x-doppel-component';
/** An uploaded FMU dragged from the palette: the data is its id. */
export const FMU_MIME = 'application/x-doppel-fmu';

type ComponentNode = Node<
  { id: string; type: string; name?: string; properties: Record<string, unknown> },
  'component'
>;

function show(v: number | boolean | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(2);
}

function ComponentBox({ data, selected }: NodeProps<ComponentNode>): ReactNode {
  const catalogue = useContext(Catalogue);
  const live = useContext(LiveValues);
  if (catalogue === null) return null;
  const component = { id: data.id, type: data.type, properties: data.properties };
  const ports = portsOf(catalogue, component);
  const inputs = ports.filter((p) => p.direction === 'in');
  const outputs = ports.filter((p) => p.direction === 'out');
  const rows = Math.max(inputs.length + outputs.length, 1);
  // An FMU component names the archive it runs; one whose FMU is gone says so instead of showing no ports.
  const fmu = fmuOf(catalogue, component);
  const missingFmu = data.type === 'fmu' && fmu === undefined && catalogue.fmus !== undefined;
  return (
    <div className={`model-node${selected === true ? ' selected' : ''}`} style={{ height: 34 + rows * 18 }}>
      <div className="model-node-title" title={fmu === undefined ? undefined : `${fmu.name} (${fmu.modelName})`}>
        <strong>{data.id}</strong> <span className="faint">{fmu === undefined ? data.type : `FMU ${fmu.name}`}</span>
      </div>
      {missingFmu && (
        <div className="port field-error" style={{ top: 30, left: 8 }}>
          FMU not in this account
        </div>
      )}
      {inputs.map((p, k) => (
        <div key={`in-${p.name}`} className="port in" style={{ top: 30 + k * 18 }}>
          <Handle type="target" position={Position.Left} id={p.name} />
          {p.name} <span className="faint">{unitOf(catalogue, component, p) ?? '·'}</span>
        </div>
      ))}
      {outputs.map((p, k) => {
        const v = live[`${data.id}.${p.name}`];
        return (
          <div key={`out-${p.name}`} className="port out" style={{ top: 30 + (inputs.length + k) * 18 }}>
            {v !== undefined && <span className="num live">{show(v)}</span>} {p.name}{' '}
            <span className="faint">{unitOf(catalogue, component, p) ?? '·'}</span>
            <Handle type="source" position={Position.Right} id={p.name} />
          </div>
        );
      })}
    </div>
  );
}

const NODE_TYPES: NodeTypes = { component: ComponentBox };

interface Props {
  readonly catalogue: ModelCatalogue;
  readonly doc: ModelDoc;
  readonly selected: string | null;
  readonly live: Readonly<Record<string, number | boolean>>;
  readonly onSelect: (id: string | null) => void;
  readonly onMove: (id: string, x: number, y: number) => void;
  readonly onConnect: (w: ProcessModelConnection) => void;
  readonly onDropType: (type: string, x: number, y: number) => void;
  /** An uploaded FMU dropped from the palette. */
  readonly onDropFmu: (fmuId: string, x: number, y: number) => void;
  /** Files dropped from the desktop (.fmu archives to upload and place). */
  readonly onDropFiles: (files: readonly File[], x: number, y: number) => void;
  /** The pan and zoom to open at (null: fit the model in view). */
  readonly initialViewport: Viewport | null;
  /** The user panned or zoomed (not when the canvas moves itself). */
  readonly onViewportMoved: (viewport: Viewport) => void;
}

/** The block diagram on a React Flow canvas: components with their ports as handles, wires as edges. */
export function ModelCanvas(props: Props): ReactNode {
  const { catalogue, doc, selected, live, onSelect, onMove, onConnect, onViewportMoved } = props;
  const flow = useReactFlow();
  const nodes = useMemo<ComponentNode[]>(
    () =>
      doc.components.map((p) => ({
        id: p.component.id,
        type: 'component',
        position: { x: p.x, y: p.y },
        selected: p.component.id === selected,
        width: 200,
        data: {
          id: p.component.id,
          type: p.component.type,
          properties: { ...(p.component.properties ?? {}) },
        },
        ariaLabel: `${p.component.type} ${p.component.id}`,
      })),
    [doc, selected],
  );
  // React Flow moves a node while it is dragged; the document takes the place where it was dropped.
  const [shown, setShown, onNodesChange] = useNodesState<ComponentNode>(nodes);
  useEffect(() => setShown(nodes), [nodes, setShown]);
  const edges = useMemo<Edge[]>(
    () =>
      doc.connections.map((w) => ({
        id: `${w.source_component_id}.${w.source_port}->${w.target_component_id}.${w.target_port}`,
        source: w.source_component_id,
        sourceHandle: w.source_port,
        target: w.target_component_id,
        targetHandle: w.target_port,
      })),
    [doc],
  );
  const drop = (e: DragEvent): void => {
    const type = e.dataTransfer.getData(PALETTE_MIME);
    const fmu = e.dataTransfer.getData(FMU_MIME);
    const files = [...e.dataTransfer.files];
    if (type === '' && fmu === '' && files.length === 0) return;
    e.preventDefault();
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const [x, y] = [Math.round(at.x), Math.round(at.y)];
    if (type !== '') props.onDropType(type, x, y);
    else if (fmu !== '') props.onDropFmu(fmu, x, y);
    else props.onDropFiles(files, x, y);
  };
  return (
    <Catalogue.Provider value={catalogue}>
      <LiveValues.Provider value={live}>
        <div className="model-canvas" onDragOver={(e) => e.preventDefault()} onDrop={drop}>
          <ReactFlow
            nodes={shown}
            onNodesChange={onNodesChange}
            edges={edges}
            nodeTypes={NODE_TYPES}
            {...(props.initialViewport === null
              ? { fitView: true, fitViewOptions: { maxZoom: 1, padding: 0.2 } }
              : { defaultViewport: props.initialViewport })}
            onMoveEnd={(e, v) => {
              if (e !== null) onViewportMoved({ x: Math.round(v.x), y: Math.round(v.y), zoom: v.zoom });
            }}
            onNodeClick={(_e, n) => onSelect(n.id)}
            onPaneClick={() => onSelect(null)}
            onNodeDragStop={(_e, n) => onMove(n.id, Math.round(n.position.x), Math.round(n.position.y))}
            onConnect={(c: Connection) => {
              if (c.sourceHandle == null || c.targetHandle == null) return;
              onConnect({
                source_component_id: c.source,
                source_port: c.sourceHandle,
                target_component_id: c.target,
                target_port: c.targetHandle,
              });
            }}
            proOptions={{ hideAttribution: true }}
            aria-label="Model canvas"
          >
            <Background gap={24} color="#e1e4e8" />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
      </LiveValues.Provider>
    </Catalogue.Provider>
  );
}
