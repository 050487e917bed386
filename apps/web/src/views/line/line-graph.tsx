import { Background, Controls, Position, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo, useRef, type ReactNode } from 'react';
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
  // Rebuild the graph only when what it shows changes (machine states and counts, buffer levels): a stream of
  // unrelated ledger events must not hand React Flow new nodes every frame.
  const signature = assets
    .filter((a) => a.kind === 'machine' || a.kind === 'buffer' || a.kind === 'line')
    .map((a) => `${a.id}:${JSON.stringify([a.state.state, a.state.counts, a.state.level, a.state.capacity])}`)
    .join('|');
  const assetsRef = useRef(assets);
  assetsRef.current = assets;
  const { nodes, edges } = useMemo(() => {
    const assets = assetsRef.current;
    const order = machineOrder(assets);
    const byId = new Map(assets.map((a) => [a.id, a]));
    const buffers = assets.filter((a) => a.kind === 'buffer');
    const placed = layoutLine(
      order,
      buffers.map((b) => ({ from: str(b.state.from), to: str(b.state.to) })),
    );
    let maxRow = 0;
    for (const p of placed.values()) maxRow = Math.max(maxRow, p.row);
    const nodes: Node[] = order.map((id, i) => {
      const a = byId.get(id);
      const state = str(a?.state.state, 'UNKNOWN');
      const color = machineColor(state);
      const counts = a?.state.counts;
      const out = counts !== null && typeof counts === 'object' && !Array.isArray(counts) ? num(counts.out) : 0;
      return {
        id,
        position: { x: (placed.get(id)?.rank ?? i) * 250, y: (placed.get(id)?.row ?? 0) * 120 },
        sourcePosition: Position.Right,
        targetPosition: Position.Left,
        data: {
          label: (
            <div className="machine-node" data-state={state} aria-label={`${id}: ${state}`}>
              <div className="mn-name">{id}</div>
              <div className="mn-state" style={{ color }}>
                {MACHINE_GLYPH[state] ?? '?'} {state}
              </div>
              <div className="mn-out faint num">{out} out</div>
            </div>
          ),
        },
        style: {
          border: `2px solid ${color}`,
          borderRadius: 6,
          padding: 4,
          width: 130,
          background: id === selectedId ? '#e8edfb' : '#fff',
        },
      };
    });
    const rejects = assets
      .filter((a) => a.kind === 'machine')
      .reduce((n, a) => {
        const c = a.state.counts;
        return n + (c !== null && typeof c === 'object' && !Array.isArray(c) ? num(c.rejects) : 0);
      }, 0);
    nodes.push({
      id: '__rejects',
      position: {
        x: Math.max(0, (Math.max(0, ...[...placed.values()].map((p) => p.rank)) * 250) / 2),
        y: (maxRow + 1) * 120 + 40,
      },
      targetPosition: Position.Top,
      data: {
        label: (
          <div className="machine-node" aria-label={`Reject bin: ${rejects} items`}>
            <div className="mn-name">Reject bin</div>
            <div className="num">{rejects} items</div>
          </div>
        ),
      },
      style: { border: '2px dashed #8c929c', borderRadius: 6, width: 130, background: '#fafbfc' },
      selectable: false,
    });
    const edges: Edge[] = buffers
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
      const a = byId.get(id);
      const c = a?.state.counts;
      if (c !== null && typeof c === 'object' && !Array.isArray(c) && num(c.rejects) > 0) {
        edges.push({
          id: `rej-${id}`,
          source: id,
          target: '__rejects',
          style: { strokeDasharray: '4 3', stroke: '#8c929c' },
        });
      }
    }
    return { nodes, edges };
  }, [signature, selectedId]);

  if (nodes.length <= 1) return <p className="faint">No machines in this line.</p>;
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
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
  );
}
