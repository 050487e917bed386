import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { createContext, useContext, useMemo, useRef, type ReactNode } from 'react';
import type { AssetView } from '../../api/types.js';
import { layoutLine } from '../../lib/line-layout.js';
import { MACHINE_GLYPH, machineColor } from '../../lib/scales.js';

function str(v: unknown, d = ''): string {
  return typeof v === 'string' ? v : d;
}
function num(v: unknown, d = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

/** Machines in line order: the line asset's `stations` list, else upstream-first from the buffers. */
export function machineOrder(assets: readonly AssetView[]): string[] {
  const machines = assets.filter((a) => a.kind === 'machine').map((a) => a.id);
  const line = assets.find((a) => a.kind === 'line');
  const listed = Array.isArray(line?.state.stations)
    ? line.state.stations.filter((s): s is string => typeof s === 'string')
    : [];
  const order = listed.filter((id) => machines.includes(id));
  for (const id of machines) if (!order.includes(id)) order.push(id);
  return order;
}

/** Node size, given up front: React Flow shows a node only once it knows its size. */
const NODE_W = 130;
const NODE_H = 74;

/**
 * The line's assets now. Nodes read their state from here, so a state change re-renders the node's content and
 * never hands React Flow new node objects: new nodes would be measured again, and hidden until then, which at
 * 10x-600x left the machines blank or flickering.
 */
const LiveAssets = createContext<ReadonlyMap<string, AssetView>>(new Map());

type MachineNodeData = { readonly id: string; readonly selected: boolean };
type RejectNodeData = Record<string, never>;

function MachineNode({ data }: NodeProps<Node<MachineNodeData>>): ReactNode {
  const a = useContext(LiveAssets).get(data.id);
  const state = str(a?.state.state, 'UNKNOWN');
  const color = machineColor(state);
  const counts = a?.state.counts;
  const out = counts !== null && typeof counts === 'object' && !Array.isArray(counts) ? num(counts.out) : 0;
  return (
    <div
      className="machine-node"
      data-state={state}
      aria-label={`${data.id}: ${state}`}
      style={{ borderColor: color, background: data.selected ? '#e8edfb' : '#fff' }}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="mn-name">{data.id}</div>
      <div className="mn-state">
        <span style={{ color }} aria-hidden="true">
          {MACHINE_GLYPH[state] ?? '?'}
        </span>{' '}
        {state}
      </div>
      <div className="mn-out num">{out} out</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

function RejectNode(_props: NodeProps<Node<RejectNodeData>>): ReactNode {
  const assets = useContext(LiveAssets);
  let rejects = 0;
  for (const a of assets.values()) {
    const c = a.state.counts;
    if (a.kind === 'machine' && c !== null && typeof c === 'object' && !Array.isArray(c)) rejects += num(c.rejects);
  }
  return (
    <div className="machine-node reject-bin" aria-label={`Reject bin: ${rejects} items`}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="mn-name">Reject bin</div>
      <div className="num">{rejects} items</div>
    </div>
  );
}

const NODE_TYPES: NodeTypes = { machine: MachineNode, rejects: RejectNode };

/** The line topology: machines as nodes coloured by state, buffers as edges labelled with their fill, a reject bin. */
export function LineGraph({
  assets,
  selectedId,
  onSelect,
}: {
  assets: readonly AssetView[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}): ReactNode {
  // Nodes change only with the topology and the selection; what a node shows comes from LiveAssets. Edges carry
  // buffer levels and reject links, rebuilt when those change.
  const live = useMemo(() => new Map(assets.map((a) => [a.id, a])), [assets]);
  const topology = assets
    .filter((a) => a.kind === 'machine' || a.kind === 'buffer' || a.kind === 'line')
    .map((a) => (a.kind === 'buffer' ? `${a.id}:${str(a.state.from)}>${str(a.state.to)}` : a.id))
    .join('|');
  const levels = assets
    .filter((a) => a.kind === 'buffer' || a.kind === 'machine')
    .map((a) => {
      const c = a.state.counts;
      const rejects = c !== null && typeof c === 'object' && !Array.isArray(c) ? num(c.rejects) > 0 : false;
      return a.kind === 'buffer' ? `${a.id}:${num(a.state.level)}/${num(a.state.capacity, 1)}` : `${a.id}:${rejects}`;
    })
    .join('|');
  const assetsRef = useRef(assets);
  assetsRef.current = assets;
  const { nodes, order } = useMemo(() => {
    const assets = assetsRef.current;
    const order = machineOrder(assets);
    const buffers = assets.filter((a) => a.kind === 'buffer');
    const placed = layoutLine(
      order,
      buffers.map((b) => ({ from: str(b.state.from), to: str(b.state.to) })),
    );
    let maxRow = 0;
    for (const p of placed.values()) maxRow = Math.max(maxRow, p.row);
    const nodes: Node[] = order.map((id, i) => ({
      id,
      type: 'machine',
      position: { x: (placed.get(id)?.rank ?? i) * 250, y: (placed.get(id)?.row ?? 0) * 120 },
      width: NODE_W,
      height: NODE_H,
      data: { id, selected: id === selectedId },
    }));
    nodes.push({
      id: '__rejects',
      type: 'rejects',
      position: {
        x: Math.max(0, (Math.max(0, ...[...placed.values()].map((p) => p.rank)) * 250) / 2),
        y: (maxRow + 1) * 120 + 40,
      },
      width: NODE_W,
      height: 56,
      data: {},
      selectable: false,
    });
    return { nodes, order };
  }, [topology, selectedId]);
  const edges = useMemo(() => {
    const assets = assetsRef.current;
    const byId = new Map(assets.map((a) => [a.id, a]));
    const edges: Edge[] = assets
      .filter((a) => a.kind === 'buffer')
      .map((b) => {
        const cap = num(b.state.capacity, 1);
        const level = num(b.state.level);
        const frac = Math.max(0, Math.min(1, level / cap));
        return {
          id: b.id,
          source: str(b.state.from),
          target: str(b.state.to),
          label: `${level}/${cap}`,
          ariaLabel: `Buffer ${b.id}: ${level} of ${cap}`,
          labelStyle: { fontSize: 11, fontVariantNumeric: 'tabular-nums' },
          labelBgStyle: { fill: '#fff' },
          style: {
            strokeWidth: 2 + frac * 6,
            stroke: frac >= 0.95 ? '#ea7a1e' : '#3358d4',
            opacity: 0.4 + frac * 0.6,
          },
          animated: false,
        } satisfies Edge;
      })
      .filter((e) => e.source !== '' && e.target !== '');
    for (const id of order) {
      const c = byId.get(id)?.state.counts;
      if (c !== null && typeof c === 'object' && !Array.isArray(c) && num(c.rejects) > 0) {
        edges.push({
          id: `rej-${id}`,
          source: id,
          target: '__rejects',
          style: { strokeDasharray: '4 3', stroke: '#8c929c' },
        });
      }
    }
    return edges;
  }, [levels, order]);

  if (nodes.length <= 1) return <p className="faint">No machines in this line.</p>;
  return (
    <LiveAssets.Provider value={live}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={(_e, n) => n.id !== '__rejects' && onSelect(n.id)}
        proOptions={{ hideAttribution: true }}
        aria-label="Line topology"
      >
        <Background gap={24} color="#e1e4e8" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </LiveAssets.Provider>
  );
}
