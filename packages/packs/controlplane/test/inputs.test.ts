import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, ScenarioError } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { controlPlanePack, parseRoute53Export, route53Export, snapshotText } from '../src/index.js';
import { runScenario } from './helpers.js';

const scenario = (inputs: string) => `doppel: 1
name: captured
pack: controlplane
start: '2025-10-19T00:00:00Z'
duration: 10m
seed: 1
inputs:
${inputs}
controlplane: {}
`;

describe('a capture snapshot as the initial state', () => {
  it('builds the endpoints, load balancers and TTL of a Route 53 snapshot and the generations of a plan table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-cp-'));
    const rows = parseRoute53Export(
      JSON.stringify(route53Export({ endpoints: 7, loadBalancers: 2, seed: 4, ttl: 30 })),
      'x',
    );
    writeFileSync(join(dir, 'records.jsonl'), snapshotText(rows as never));
    writeFileSync(join(dir, 'plans.jsonl'), '{"generation": 500, "status": "APPLIED"}\n{"generation": 499}\n');
    writeFileSync(join(dir, 's.yaml'), scenario('  records: records.jsonl\n  plans: plans.jsonl'));
    const loaded = loadScenarioFile(join(dir, 's.yaml'), { packs: [controlPlanePack] });
    expect(loaded.inputs.records).toHaveLength(16);
    const { sim, kpis } = await runScenario(loaded);
    const endpoints = sim.assets('endpoint');
    expect(endpoints).toHaveLength(7);
    expect(endpoints[0].id).toBe('ep-00000.us-east-1.example.com');
    expect(endpoints[0].state).toMatchObject({ ttl_s: 30, record_count: 2 });
    expect(kpis.newest_generation).toBeGreaterThan(500);
    expect(sim.asset('resolver-1').state.ttl_s).toBe(30);
  });

  it('reports a malformed snapshot line at file:line with the field path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-cp-'));
    writeFileSync(
      join(dir, 'records.jsonl'),
      '{"name":"a.","type":"A","ttl":60,"set_identifier":"x","weight":1,"values":["1.2.3.4"],"alias_target":null}\n' +
        '{"name":"b.","type":"A","ttl":60,"set_identifier":"x","weight":"heavy","values":[],"alias_target":null}\n' +
        '{not json\n',
    );
    writeFileSync(join(dir, 's.yaml'), scenario('  records: records.jsonl'));
    try {
      loadScenarioFile(join(dir, 's.yaml'), { packs: [controlPlanePack] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      const text = (error as Error).message;
      expect(text).toContain('records.jsonl:2:1 inputs.records[1].weight');
      expect(text).toContain('records.jsonl:3:1 inputs.records[2]');
      expect(text).toContain('invalid JSON');
    }
  });
});
