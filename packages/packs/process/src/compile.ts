import type { AnyComponentType, PortSpec } from './component.js';
import { componentType, COMPONENT_TYPES } from './components/index.js';
import { ProcessModelError, type ModelIssue } from './errors.js';
import { compatible, conversion, dimensionText, unitInfo } from './units.js';

export interface ComponentSpec {
  readonly id: string;
  readonly type: string;
  readonly properties?: Readonly<Record<string, unknown>>;
}

/** A wire from an output port to an input port, in the catalogue's names. */
export interface ConnectionSpec {
  readonly source_component_id: string;
  readonly source_port: string;
  readonly target_component_id: string;
  readonly target_port: string;
}

export interface ModelSpec {
  readonly components: readonly ComponentSpec[];
  readonly connections: readonly ConnectionSpec[];
}

export interface CompiledComponent {
  readonly index: number;
  readonly id: string;
  readonly type: AnyComponentType;
  readonly props: unknown;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  /** Resolved unit of each input and output port, in port order. */
  readonly inputUnits: readonly string[];
  readonly outputUnits: readonly string[];
}

export interface CompiledWire {
  readonly connection: number;
  readonly from: number;
  readonly output: number;
  readonly to: number;
  readonly input: number;
  /** The target reads source · gain + bias (a unit conversion, °C → K). */
  readonly gain: number;
  readonly bias: number;
}

export interface CompiledModel {
  readonly components: readonly CompiledComponent[];
  readonly wires: readonly CompiledWire[];
  /** Evaluation order: every component after those whose outputs it reads directly (direct feedthrough). */
  readonly order: readonly number[];
}

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

interface Draft {
  index: number;
  id: string;
  type: AnyComponentType;
  props: unknown;
  inputs: PortSpec[];
  outputs: PortSpec[];
}

interface PortRef {
  c: Draft;
  port: PortSpec;
  slot: number;
}

/**
 * Checks a model and prepares it for evaluation: every component of a known type with valid properties, every
 * connection from an existing output to an existing, not yet connected input, units of the same dimension (unit
 * variables of generic ports resolved through the connections), and no algebraic loop. Throws a
 * {@link ProcessModelError} listing every problem at its place.
 */
export function compileModel(spec: ModelSpec): CompiledModel {
  const issues: ModelIssue[] = [];
  const drafts: Draft[] = [];
  const byId = new Map<string, Draft>();
  spec.components.forEach((c, i) => {
    const at = ['components', i];
    if (!ID.test(c.id)) {
      issues.push({
        path: [...at, 'id'],
        message: `expected an id of letters, digits, _ and - (≤ 64), found "${c.id}"`,
      });
    } else if (byId.has(c.id)) {
      issues.push({ path: [...at, 'id'], message: `duplicate component id "${c.id}"` });
    }
    const type = componentType(c.type);
    if (type === undefined) {
      issues.push({
        path: [...at, 'type'],
        message: `unknown component type "${c.type}" (expected one of ${COMPONENT_TYPES.map((t) => t.type).join(', ')}, fmu)`,
      });
      return;
    }
    const parsed = type.properties.safeParse(c.properties ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          path: [...at, 'properties', ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
          message: `${c.id}: ${issue.message}`,
        });
      }
      return;
    }
    const ports = type.ports(parsed.data);
    const draft: Draft = {
      index: drafts.length,
      id: c.id,
      type,
      props: parsed.data,
      inputs: ports.filter((p) => p.direction === 'in'),
      outputs: ports.filter((p) => p.direction === 'out'),
    };
    drafts.push(draft);
    if (!byId.has(c.id)) byId.set(c.id, draft);
  });

  const ends: { from: PortRef; to: PortRef; j: number }[] = [];
  const fed = new Map<string, number>();
  spec.connections.forEach((w, j) => {
    const at = ['connections', j];
    const end = (side: 'source' | 'target'): PortRef | null => {
      const id = side === 'source' ? w.source_component_id : w.target_component_id;
      const name = side === 'source' ? w.source_port : w.target_port;
      const c = byId.get(id);
      if (c === undefined) {
        if (!spec.components.some((k) => k.id === id)) {
          issues.push({ path: [...at, `${side}_component_id`], message: `no component "${id}"` });
        }
        return null;
      }
      const list = side === 'source' ? c.outputs : c.inputs;
      const slot = list.findIndex((p) => p.name === name);
      if (slot < 0) {
        const wrongWay = (side === 'source' ? c.inputs : c.outputs).some((p) => p.name === name);
        issues.push({
          path: [...at, `${side}_port`],
          message: wrongWay
            ? `${id}.${name} is an ${side === 'source' ? 'input' : 'output'}: a connection goes from an output to an input`
            : `${c.type.type} "${id}" has no ${side === 'source' ? 'output' : 'input'} "${name}" (it has ${list.map((p) => p.name).join(', ') || 'none'})`,
        });
        return null;
      }
      return { c, port: list[slot] as PortSpec, slot };
    };
    const from = end('source');
    const to = end('target');
    if (from === null || to === null) return;
    const key = `${to.c.id}.${to.port.name}`;
    const earlier = fed.get(key);
    if (earlier !== undefined) {
      issues.push({
        path: [...at, 'target_port'],
        message: `${key} is already fed by connections[${earlier}]: an input takes one connection`,
      });
      return;
    }
    fed.set(key, j);
    ends.push({ from, to, j });
  });

  const units = resolveUnits(drafts, ends, issues);
  if (issues.length > 0) throw new ProcessModelError(issues);

  const wires: CompiledWire[] = [];
  for (const { from, to, j } of ends) {
    const su = units.output(from);
    const tu = units.input(to);
    const conv = conversion(su, tu);
    if (conv === undefined) {
      issues.push({
        path: ['connections', j],
        message: `unit mismatch: ${from.c.id}.${from.port.name} gives ${su} (${dimensionText(su)}) but ${to.c.id}.${to.port.name} takes ${tu} (${dimensionText(tu)}${units.reason(to)})`,
      });
      continue;
    }
    wires.push({ connection: j, from: from.c.index, output: from.slot, to: to.c.index, input: to.slot, ...conv });
  }
  if (issues.length > 0) throw new ProcessModelError(issues);

  const order = evaluationOrder(drafts, wires, spec.connections, issues);
  if (issues.length > 0) throw new ProcessModelError(issues);

  return {
    components: drafts.map((d) => ({
      index: d.index,
      id: d.id,
      type: d.type,
      props: d.props,
      inputs: d.inputs,
      outputs: d.outputs,
      inputUnits: d.inputs.map((_, k) => units.input({ c: d, port: d.inputs[k] as PortSpec, slot: k })),
      outputUnits: d.outputs.map((_, k) => units.output({ c: d, port: d.outputs[k] as PortSpec, slot: k })),
    })),
    wires,
    order,
  };
}

interface ResolvedUnits {
  input(ref: PortRef): string;
  output(ref: PortRef): string;
  /** Why a port has its unit, for messages (", set by its property unit"). */
  reason(ref: PortRef): string;
}

/**
 * Unit variables (`$u`) are resolved by union-find: variables joined by a connection share a unit, which a
 * property fixes first, else the first concrete port they are connected to, else dimensionless.
 */
function resolveUnits(
  drafts: readonly Draft[],
  ends: readonly { from: PortRef; to: PortRef; j: number }[],
  issues: ModelIssue[],
): ResolvedUnits {
  const parent = new Map<string, string>();
  const key = (c: Draft, unit: string): string => `${c.index}|${unit}`;
  const find = (k: string): string => {
    let r = k;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(k, r);
    return r;
  };
  const isVar = (u: string): boolean => u.startsWith('$');
  const fixed = new Map<string, { unit: string; reason: string }>();
  for (const c of drafts) {
    for (const [variable, prop] of Object.entries(c.type.unitProperties ?? {})) {
      const value = (c.props as Record<string, unknown>)[prop];
      if (typeof value === 'string')
        fixed.set(key(c, variable), { unit: value, reason: `, set by ${c.id}'s property ${prop}` });
    }
  }
  for (const { from, to } of ends) {
    if (isVar(from.port.unit) && isVar(to.port.unit)) {
      const a = find(key(from.c, from.port.unit));
      const b = find(key(to.c, to.port.unit));
      if (a !== b) parent.set(b, a);
    }
  }
  const groupUnit = new Map<string, { unit: string; reason: string }>();
  for (const [k, v] of fixed) {
    const g = find(k);
    const had = groupUnit.get(g);
    if (had === undefined) groupUnit.set(g, v);
    else if (!compatible(had.unit, v.unit)) {
      const [ci] = k.split('|');
      issues.push({
        path: ['components', Number(ci), 'properties'],
        message: `unit ${v.unit} conflicts with ${had.unit}${had.reason} on the signals connected to it`,
      });
    }
  }
  for (const { from, to } of ends) {
    const pairs: [PortRef, PortRef][] = [
      [from, to],
      [to, from],
    ];
    for (const [v, concrete] of pairs) {
      if (isVar(v.port.unit) && !isVar(concrete.port.unit)) {
        const g = find(key(v.c, v.port.unit));
        if (!groupUnit.has(g)) {
          groupUnit.set(g, {
            unit: concrete.port.unit,
            reason: `, from ${concrete.c.id}.${concrete.port.name}`,
          });
        }
      }
    }
  }
  const of = (ref: PortRef): { unit: string; reason: string } =>
    isVar(ref.port.unit)
      ? (groupUnit.get(find(key(ref.c, ref.port.unit))) ?? { unit: '1', reason: ', nothing fixes it' })
      : { unit: ref.port.unit, reason: '' };
  for (const c of drafts) {
    for (const p of [...c.inputs, ...c.outputs]) {
      if (!isVar(p.unit) && unitInfo(p.unit) === undefined)
        throw new Error(`${c.type.type}.${p.name}: unknown unit ${p.unit}`);
    }
  }
  return { input: (r) => of(r).unit, output: (r) => of(r).unit, reason: (r) => of(r).reason };
}

/** Kahn's topological sort over direct-feedthrough wires, lowest index first; a cycle left over is reported. */
function evaluationOrder(
  drafts: readonly Draft[],
  wires: readonly CompiledWire[],
  connections: readonly ConnectionSpec[],
  issues: ModelIssue[],
): number[] {
  const n = drafts.length;
  const direct = wires.filter((w) => (drafts[w.to] as Draft).inputs[w.input]?.feedthrough !== false);
  const indegree = new Array<number>(n).fill(0);
  const out: CompiledWire[][] = Array.from({ length: n }, () => []);
  for (const w of direct) {
    indegree[w.to] = (indegree[w.to] as number) + 1;
    (out[w.from] as CompiledWire[]).push(w);
  }
  const order: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) ready.push(i);
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift() as number;
    order.push(i);
    for (const w of out[i] as CompiledWire[]) {
      indegree[w.to] = (indegree[w.to] as number) - 1;
      if (indegree[w.to] === 0) ready.push(w.to);
    }
  }
  if (order.length === n) return order;
  // Walk back along direct wires among the unordered components until one repeats: that is a loop.
  const left = new Set<number>();
  for (let i = 0; i < n; i++) if (!order.includes(i)) left.add(i);
  const into = (i: number): CompiledWire => direct.find((w) => w.to === i && left.has(w.from)) as CompiledWire;
  const seen = new Map<number, number>();
  const path: CompiledWire[] = [];
  let at = Math.min(...left);
  while (!seen.has(at)) {
    seen.set(at, path.length);
    const w = into(at);
    path.push(w);
    at = w.from;
  }
  const loop = path.slice(seen.get(at)).reverse();
  const text = loop
    .map((w) => {
      const c = connections[w.connection] as ConnectionSpec;
      return `${c.source_component_id}.${c.source_port} → ${c.target_component_id}.${c.target_port}`;
    })
    .join(', ');
  issues.push({
    path: ['connections', Math.min(...loop.map((w) => w.connection))],
    message: `algebraic loop: ${text} (each passes its input straight to its output; break it with a component that has state, a sensor or a lag)`,
  });
  return order;
}
