// Writes the control-plane examples' inputs, deterministically from a seed: the AWS CLI exports of a region of
// 1,000 endpoints (records.json: route53 list-resource-record-sets; plans-scan.json: dynamodb scan of the plan
// table) and a 24 h event log. Captures are then made from the exports with `doppel capture`.
//   npx tsx --conditions=@doppel/source packages/packs/controlplane/scripts/generate-examples.ts [DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventLog, planTableScan, route53Export } from '../src/index.js';

const dir = process.argv[2] ?? 'examples/controlplane';
const region = { endpoints: 1000, loadBalancers: 3, seed: 2025 };
const start = '2025-10-19T00:00:00Z';
mkdirSync(join(dir, 'exports'), { recursive: true });
// The AWS CLI prints JSON with a four-space indent.
writeFileSync(join(dir, 'exports/records.json'), JSON.stringify(route53Export(region), null, 4) + '\n');
writeFileSync(
  join(dir, 'exports/plans-scan.json'),
  JSON.stringify(planTableScan(41_000, 11, start, 30), null, 4) + '\n',
);
const log = eventLog({ ...region, startIso: start, hours: 24 });
writeFileSync(join(dir, 'events-24h.jsonl'), log.map((row) => JSON.stringify(row)).join('\n') + '\n');
process.stdout.write(
  `wrote ${dir}/exports/records.json, ${dir}/exports/plans-scan.json, ${dir}/events-24h.jsonl (${log.length} events)\n`,
);
