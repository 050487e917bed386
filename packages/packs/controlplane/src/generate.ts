import { createNamedStream } from '@doppel/engine';
import { formatEpochMsIso, parseIsoToEpochMs, type JsonObject } from '@doppel/twin';

/** What the generators make: a region's endpoints, `loadBalancers` weighted record sets each. */
export interface RegionSpec {
  readonly endpoints: number;
  readonly loadBalancers: number;
  readonly seed: number;
  readonly domain?: string;
  readonly ttl?: number;
}

const endpointName = (i: number, domain: string) => `ep-${String(i).padStart(5, '0')}.${domain}`;

/** A `aws route53 list-resource-record-sets` export of the region: the zone's SOA and NS, then the weighted sets. */
export function route53Export(spec: RegionSpec): JsonObject {
  const domain = spec.domain ?? 'us-east-1.example.com.';
  const rng = createNamedStream(spec.seed, 'capture/route53');
  const sets: JsonObject[] = [
    {
      Name: domain,
      Type: 'SOA',
      TTL: 900,
      ResourceRecords: [{ Value: `ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
    },
    { Name: domain, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
  ];
  for (let i = 0; i < spec.endpoints; i += 1) {
    for (let j = 0; j < spec.loadBalancers; j += 1) {
      sets.push({
        Name: endpointName(i, domain),
        Type: 'A',
        SetIdentifier: `lb-${j + 1}`,
        Weight: rng.integer(1, 100),
        TTL: spec.ttl ?? 60,
        ResourceRecords: [{ Value: `10.${(i >> 8) & 255}.${i & 255}.${j + 1}` }],
      });
    }
  }
  return { ResourceRecordSets: sets };
}

/** A `aws dynamodb scan` export of the plan table: the newest `plans` generations ending at `newest`. */
export function planTableScan(newest: number, plans: number, startIso: string, periodS: number): JsonObject {
  const start = parseIsoToEpochMs(startIso);
  const items: JsonObject[] = [];
  for (let g = Math.max(1, newest - plans + 1); g <= newest; g += 1) {
    items.push({
      plan_id: { S: `plan-${String(g).padStart(7, '0')}` },
      generation: { N: String(g) },
      created_at: { S: formatEpochMsIso(start - (newest - g) * periodS * 1000) },
      status: { S: g === newest ? 'APPLIED' : 'SUPERSEDED' },
      tags: { SS: ['dns', 'us-east-1'] },
      summary: { M: { endpoints: { N: '0' }, partial: { BOOL: false } } },
    });
  }
  return { Items: items, Count: items.length, ScannedCount: items.length, ConsumedCapacity: null };
}

export interface EventLogSpec extends RegionSpec {
  readonly startIso: string;
  readonly hours: number;
  readonly periodS?: number;
  readonly jitterS?: number;
  /** Client invocations per second across the region. */
  readonly invokesPerS?: number;
}

/**
 * A day of the control plane's events as JSON Lines rows: a plan generation every period ± jitter, a DNS update
 * observed for one endpoint after each, and client Lambda invocations resolving random endpoints — all of which
 * succeeded in production (the expected outcomes).
 */
export function eventLog(spec: EventLogSpec): JsonObject[] {
  const domain = spec.domain ?? 'us-east-1.example.com.';
  const rng = createNamedStream(spec.seed, 'capture/events');
  const start = parseIsoToEpochMs(spec.startIso);
  const end = spec.hours * 3600;
  const period = spec.periodS ?? 30;
  const jitter = spec.jitterS ?? 3;
  const rows: { at: number; row: JsonObject }[] = [];
  const at = (t: number) => formatEpochMsIso(start + Math.round(t * 1000));
  for (let t = period + rng.uniform(-jitter, jitter); t < end; t += period + rng.uniform(-jitter, jitter)) {
    rows.push({ at: t, row: { timestamp: at(t), type: 'plan_generated', payload: {}, expected_outcome: 'stored' } });
    const u = t + rng.uniform(5, 25);
    if (u < end) {
      const endpoint = endpointName(rng.integer(0, spec.endpoints - 1), domain);
      rows.push({
        at: u,
        row: { timestamp: at(u), type: 'dns_update', payload: { endpoint }, expected_outcome: 'non_empty' },
      });
    }
  }
  const rate = spec.invokesPerS ?? 0.05;
  for (let t = rng.exponential(rate); rate > 0 && t < end; t += rng.exponential(rate)) {
    const endpoint = endpointName(rng.integer(0, spec.endpoints - 1), domain);
    rows.push({
      at: t,
      row: { timestamp: at(t), type: 'lambda_invoke', payload: { endpoint }, expected_outcome: 'success' },
    });
  }
  return rows.sort((a, b) => a.at - b.at).map((r) => r.row);
}
