import {
  costRatesSchema,
  performanceSchema,
  qualitySchema,
  reliabilitySchema,
  type BehaviorConfig,
  type EquipmentConfig,
  type LineConfig,
  type SourceConfig,
} from './config.js';
import { LineError, LineErrorCode } from './errors.js';
import type { MachineSpec } from './machine.js';
import { resolvePhases } from './orchestrator.js';

export const SOURCE = '_source';
export const SINK = '_sink';
export const REJECT = '_reject';
const SPECIAL = new Set([SOURCE, SINK, REJECT]);
export const DEFAULT_BUFFER_CAPACITY = 50;

export interface EdgePlan {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly capacity: number;
  readonly condition: string | null;
}

/** The line as a checked graph: stations in declaration order and edges in routing order. */
export interface LinePlan {
  readonly topology: string;
  readonly linear: boolean;
  readonly stations: readonly MachineSpec[];
  readonly edges: readonly EdgePlan[];
  readonly source: SourceConfig | null;
}

function invalid(message: string, details: Record<string, unknown> = {}): LineError {
  return new LineError(LineErrorCode.TopologyInvalid, message, details);
}

function findEquipment(config: LineConfig, name: string): EquipmentConfig {
  const list = config.scenario.equipment;
  const exact = list.find((equipment) => equipment.name === name);
  if (exact) return exact;
  const folded = list.find((equipment) => equipment.name.toLowerCase() === name.toLowerCase());
  if (folded) return folded;
  throw new LineError(
    LineErrorCode.UnknownEquipment,
    `station "${name}" has no equipment: add it to the scenario's equipment list (known: ${list.map((e) => e.name).join(', ') || 'none'})`,
    { station: name, known: list.map((e) => e.name) },
  );
}

function normaliseOutput(type: string | undefined): string | null {
  if (type === undefined) return null;
  const lower = type.trim().toLowerCase();
  return lower === '' || lower === 'none' || lower === 'null' ? null : lower;
}

/** Equipment parameters in seconds, with the node's overrides (batch_in, output_type, behavior). */
export function machineSpec(
  id: string,
  equipment: EquipmentConfig,
  config: LineConfig,
  node: { batch_in?: number | undefined; output_type?: string | undefined; behavior?: BehaviorConfig | undefined } = {},
): MachineSpec {
  const reliability = equipment.reliability ?? reliabilitySchema.parse({});
  const performance = equipment.performance ?? performanceSchema.parse({});
  const quality = equipment.quality ?? qualitySchema.parse({});
  const core = {
    mtbfS:
      reliability.mtbf_min === null
        ? null
        : { min: reliability.mtbf_min * 60, max: reliability.mtbf_max === null ? null : reliability.mtbf_max * 60 },
    jamProb: performance.jam_prob,
    detectionProb: quality.detection_prob,
    defectRate: quality.defect_rate,
  };
  const behavior = node.behavior ?? equipment.behavior ?? config.scenario.behavior;
  return {
    id,
    cycleTimeS: equipment.cycle_time_sec ?? 3600 / (equipment.uph as number),
    batchIn: node.batch_in ?? equipment.batch_in ?? null,
    outputType: normaliseOutput(node.output_type ?? equipment.output_type),
    ...core,
    mttrS: {
      min: reliability.mttr_min * 60,
      max: reliability.mttr_max === null ? null : reliability.mttr_max * 60,
    },
    jamTimeS: performance.jam_time_sec,
    costRates: equipment.cost_rates ?? config.cost_rates ?? costRatesSchema.parse({}),
    phases: resolvePhases(behavior, equipment, core, `station ${id}`),
    equipment,
  };
}

/** Builds and checks the line graph of a configuration (linear stations or nodes and edges). */
export function planLine(config: LineConfig): LinePlan {
  const topology = config.scenario.topology;
  const defaultCapacity = (equipment: EquipmentConfig | undefined): number =>
    topology.buffer_capacity ?? equipment?.buffer_capacity ?? DEFAULT_BUFFER_CAPACITY;
  if (topology.stations !== undefined) {
    const names = topology.stations;
    checkNames(names);
    const equipment = names.map((name) => findEquipment(config, name));
    const stations = names.map((name, index) => machineSpec(name, equipment[index] as EquipmentConfig, config));
    const edges: EdgePlan[] = [edge(SOURCE, names[0] as string, 1, null)];
    names.forEach((name, index) => {
      // A linear line takes a unit out at the station whose inspection found it defective (the reject bin).
      edges.push(edge(name, REJECT, 1, 'is_defective'));
      const next = names[index + 1];
      edges.push(
        next === undefined ? edge(name, SINK, 1, null) : edge(name, next, defaultCapacity(equipment[index]), null),
      );
    });
    return { topology: topology.name, linear: true, stations, edges, source: topology.source ?? null };
  }
  const nodes = topology.nodes ?? [];
  checkNames(nodes.map((node) => node.name));
  const stations = nodes.map((node) =>
    machineSpec(node.name, node.equipment ?? findEquipment(config, node.name), config, node),
  );
  const byName = new Map(stations.map((spec) => [spec.id, spec]));
  const edges: EdgePlan[] = [];
  const ids = new Set<string>();
  for (const raw of topology.edges ?? []) {
    if (raw.from !== SOURCE && !byName.has(raw.from)) {
      throw invalid(
        `edge ${raw.from} -> ${raw.to}: unknown node "${raw.from}" (nodes: ${[SOURCE, ...byName.keys()].join(', ')})`,
        { edge: raw },
      );
    }
    if (raw.to !== SINK && raw.to !== REJECT && !byName.has(raw.to)) {
      throw invalid(
        `edge ${raw.from} -> ${raw.to}: unknown node "${raw.to}" (nodes: ${[...byName.keys(), SINK, REJECT].join(', ')})`,
        { edge: raw },
      );
    }
    if (raw.from === SOURCE && SPECIAL.has(raw.to)) throw invalid(`edge ${raw.from} -> ${raw.to} skips every station`);
    const planned = edge(
      raw.from,
      raw.to,
      raw.capacity ?? defaultCapacity(byName.get(raw.from)?.equipment),
      raw.condition ?? null,
      raw.name,
    );
    if (ids.has(planned.id))
      throw invalid(`two edges have the id "${planned.id}": give one a name`, { id: planned.id });
    ids.add(planned.id);
    edges.push(planned);
  }
  for (const spec of stations) {
    if (!edges.some((e) => e.to === spec.id)) throw invalid(`station "${spec.id}" has no incoming edge`);
    if (!edges.some((e) => e.from === spec.id)) throw invalid(`station "${spec.id}" has no outgoing edge`);
  }
  checkAcyclic(
    stations.map((spec) => spec.id),
    edges,
  );
  return { topology: topology.name, linear: false, stations, edges, source: topology.source ?? null };
}

function edge(from: string, to: string, capacity: number, condition: string | null, name?: string): EdgePlan {
  return { id: name ?? `${from}_to_${to}`, from, to, capacity, condition };
}

function checkNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name.startsWith('_')) throw invalid(`station names may not start with "_" ("${name}" is reserved)`, { name });
    if (seen.has(name)) throw invalid(`station "${name}" appears twice`, { name });
    seen.add(name);
  }
}

/** Kahn's algorithm: material must not flow in a circle (rework loops are not modelled). */
function checkAcyclic(names: readonly string[], edges: readonly EdgePlan[]): void {
  const indegree = new Map(names.map((name) => [name, 0]));
  for (const e of edges)
    if (indegree.has(e.to) && indegree.has(e.from)) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const ready = names.filter((name) => indegree.get(name) === 0);
  let visited = 0;
  while (ready.length > 0) {
    const name = ready.shift() as string;
    visited++;
    for (const e of edges) {
      if (e.from !== name || !indegree.has(e.to)) continue;
      const left = (indegree.get(e.to) ?? 0) - 1;
      indegree.set(e.to, left);
      if (left === 0) ready.push(e.to);
    }
  }
  if (visited < names.length) {
    const stuck = names.filter((name) => (indegree.get(name) ?? 0) > 0);
    throw invalid(`the topology has a cycle through ${stuck.join(', ')}`, { stations: stuck });
  }
}
