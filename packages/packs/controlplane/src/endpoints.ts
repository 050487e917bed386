import type { RandomStream } from '@doppel/engine';
import type { JsonObject } from '@doppel/twin';
import type { ControlPlaneConfig, RecordRow } from './config.js';

/** An endpoint of the initial state: its weighted record set's load balancers. */
export interface EndpointSeed {
  readonly name: string;
  readonly ttl: number;
  readonly setIdentifiers: string[];
  readonly values: string[];
  readonly weights: number[];
}

/**
 * The endpoints of a Route 53 capture: every name with weighted record sets (SetIdentifier and Weight), its load
 * balancers in capture order. A weighted set answers with its first value (an alias target with its DNS name).
 */
export function endpointsFromRecords(rows: readonly JsonObject[]): EndpointSeed[] {
  const byName = new Map<string, EndpointSeed>();
  for (const raw of rows) {
    const row = raw as unknown as RecordRow;
    if (row.set_identifier === null || row.weight === null) continue;
    let seed = byName.get(row.name);
    if (seed === undefined) {
      seed = { name: row.name, ttl: row.ttl ?? 60, setIdentifiers: [], values: [], weights: [] };
      byName.set(row.name, seed);
    }
    seed.setIdentifiers.push(row.set_identifier);
    seed.values.push(row.values[0] ?? row.alias_target?.dns_name ?? '');
    seed.weights.push(row.weight);
  }
  return [...byName.values()];
}

/** Endpoints of the config when no capture is given: `count` names with `load_balancers` weighted sets each. */
export function generatedEndpoints(spec: ControlPlaneConfig['endpoints'], rng: RandomStream): EndpointSeed[] {
  const out: EndpointSeed[] = [];
  for (let i = 0; i < spec.count; i += 1) {
    const seed: EndpointSeed = {
      name: `ep-${String(i).padStart(5, '0')}.${spec.domain}`,
      ttl: spec.ttl_s,
      setIdentifiers: [],
      values: [],
      weights: [],
    };
    for (let j = 0; j < spec.load_balancers; j += 1) {
      seed.setIdentifiers.push(`lb-${j + 1}`);
      seed.values.push(`10.${(i >> 8) & 255}.${i & 255}.${j + 1}`);
      seed.weights.push(rng.integer(1, 100));
    }
    out.push(seed);
  }
  return out;
}
