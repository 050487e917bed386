import { describe, expect, it } from 'vitest';
import { VerifyError, VerifyErrorCode, formatIssues, loadTestFile, testFileJsonSchema } from '@doppel/verify';
import { eveningPeak, load, packs } from './helpers.js';

async function issuesOf(yaml: string): Promise<VerifyError> {
  try {
    await load(yaml, 'bad.test.yaml');
  } catch (error) {
    if (error instanceof VerifyError) return error;
    throw error;
  }
  throw new Error('the test loaded');
}

describe('test files', () => {
  it('reports every problem at its file:line:column with the field path', async () => {
    const error = await issuesOf(`scenario:
  file: swap/evening-peak-a.yaml
  seed: 1
stpes: []
rules:
  - id: r1
    category: safty
    condition: self.queue_length <=
`);
    expect(error.code).toBe(VerifyErrorCode.TestInvalid);
    const text = formatIssues(error.issues);
    expect(text).toContain('bad.test.yaml:4:1 stpes: unknown key "stpes"');
    expect(text).toContain('did you mean "steps"?');
    expect(text).toContain('bad.test.yaml:7:15 rules[0].category: not one of the allowed values');
  });

  it('locates invalid CEL, unknown assets, actions, settable fields and KPIs', async () => {
    const error = await issuesOf(
      eveningPeak(`
steps:
  - assert: { condition: 'kpi.wait_p95 < 10.0' }
  - intervene: { asset: station_99, action: trigger_outage }
  - intervene: { asset: station_01, action: trigger_outgae }
  - set: { asset: station_01, field: queue_length, value: 3 }
  - intervene: { asset: station_01, action: trigger_outage, args: { duration_seconds: -5 } }
  - wait_until: { condition: 'now >', timeout: 1h }
  - advance: { to: 'noon' }
rules:
  - id: r
    category: safety
    kind: statoin
    condition: 'self.queue_length + "x"'
`),
    );
    const byPath = new Map(error.issues.map((issue) => [issue.path, issue]));
    expect(byPath.get('steps[0].assert.condition')?.suggestion).toBe('wait_p95_s');
    expect(byPath.get('steps[1].intervene.asset')?.message).toContain('no asset "station_99"');
    expect(byPath.get('steps[2].intervene.action')?.suggestion).toBe('trigger_outage');
    expect(byPath.get('steps[3].set.field')?.expected).toContain('service_speed');
    expect(byPath.get('steps[4].intervene.args')?.message).toContain('invalid arguments: duration_seconds');
    expect(byPath.get('steps[5].wait_until.condition')?.message).toMatch(/invalid expression at column \d+/);
    expect(byPath.get('steps[6].advance.to')?.message).toBe('not a valid time');
    expect(byPath.get('rules[0].kind')?.suggestion).toBe('station');
    expect(byPath.get('rules[0].condition')?.message).toMatch(/invalid expression/);
    for (const issue of error.issues) expect(issue.line).toBeGreaterThan(1);
  });

  it("points a problem in the overrides at the test file, and a scenario's own at the scenario", async () => {
    const error = await issuesOf(`scenario:
  file: swap/evening-peak-a.yaml
  seed: 1
  overrides:
    swap:
      station_defaults: { bays: -2 }
`);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ file: 'bad.test.yaml', line: 6, path: 'swap.station_defaults.bays' });
  });

  it('needs exactly one scenario source, and an existing one', async () => {
    const none = await issuesOf('scenario: { seed: 1 }\n');
    expect(none.issues[0].message).toContain('exactly one of file, config (with run) or inline');
    const missing = await issuesOf('scenario: { file: swap/nope.yaml, seed: 1 }\n');
    expect(missing.issues[0]).toMatchObject({ line: 1, path: 'scenario.file' });
    expect(missing.issues[0].message).toContain('scenario file not found');
  });

  it('refuses a missing file with its own code, and hostile input with a located error', async () => {
    await expect(loadTestFile('/no/such/test.yaml', { packs })).rejects.toMatchObject({
      code: VerifyErrorCode.TestNotFound,
    });
    const deep = await issuesOf(`${'['.repeat(200)}${']'.repeat(200)}`);
    expect(deep.code).toBe(VerifyErrorCode.TestInvalid);
    const binary = await issuesOf('\u0000\u0001\u0002 : : :');
    expect(binary.issues.length).toBeGreaterThan(0);
  });

  it('loads a config-directory run and an inline scenario', async () => {
    const line = await load('scenario: { config: line/config, run: baseline_8hr, seed: 3, duration: 1h }\n');
    expect([line.pack.name, line.scenario.durationS, line.seed]).toEqual(['line', 3600, 3]);
    const inline = await load(`scenario:
  seed: 5
  inline:
    doppel: 1
    pack: swap
    duration: 2h
    swap: { layout: { count: 3 } }
`);
    expect([inline.pack.name, inline.scenario.durationS]).toEqual(['swap', 7200]);
  });

  it('publishes a JSON Schema', () => {
    const schema = testFileJsonSchema();
    expect(schema).toHaveProperty('properties.steps');
    expect(schema).toHaveProperty('properties.rules');
  });
});
