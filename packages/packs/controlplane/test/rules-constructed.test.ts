/**
 * Each validation rule the examples ship, against a constructed event sequence: a calm day of the region (the
 * guarded Enactor, no stall, where every rule holds) with one ledger record injected that breaks exactly that rule,
 * and one at the rule's boundary that keeps it. The verdict names the broken rule, at the injected record, and no
 * other; the boundary record leaves every rule passing. This checks the rules' text itself, apart from the model
 * (rules.test.ts checks them against the model's own incident).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyPack, JsonObject, TestResult } from '@doppel/twin';
import { loadTestText, runTest } from '@doppel/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlanePack, type ControlPlaneModel } from '../src/index.js';
import { scenarioText } from './helpers.js';

/** The validation rules exactly as the shipped example tests state them (one copy: the example's). */
const RULES = /\nrules: &rules\n((?: {2}.*\n)+)/.exec(
  readFileSync(new URL('../../../../examples/controlplane/enactor-legacy.test.yaml', import.meta.url), 'utf8'),
)![1];
const RULE_IDS = [...RULES.matchAll(/- id: (\w+)/g)].map((m) => m[1]);

/** One ledger record to inject: on which asset of the built model, the state patch, its event type and meta. */
interface Injected {
  readonly asset: (model: ControlPlaneModel) => string;
  readonly patch: JsonObject;
  readonly eventType: string;
  readonly meta?: JsonObject;
}

/** Sim time of the injected record: well inside the day, after plans have been applied. */
const AT_S = 1800;

/**
 * The control-plane pack whose model also runs a process that writes the injected record at AT_S; `injected.assetId`
 * says on which asset it landed.
 */
function injecting(record: Injected): { pack: AnyPack; injected: { assetId?: string } } {
  const injected: { assetId?: string } = {};
  const pack: AnyPack = {
    ...controlPlanePack,
    build: (context) => {
      const model = controlPlanePack.build(context) as ControlPlaneModel;
      const { env, twin } = context;
      function* inject(): Generator<ReturnType<typeof env.timeout>, void, unknown> {
        yield env.timeout(AT_S);
        injected.assetId = record.asset(model);
        const asset = twin.asset(injected.assetId);
        if (asset === undefined) throw new Error(`no asset ${injected.assetId}`);
        twin.update(asset, record.patch, record.eventType, record.meta ?? null);
      }
      env.process(inject(), 'constructed');
      return model;
    },
  };
  return { pack, injected };
}

const endpoint = (model: ControlPlaneModel): string => model.zone.endpoints[3].id;
const enactor2 = (model: ControlPlaneModel): string => model.enactors[1].id;
const planner = (): string => 'planner';
const zone = (): string => 'zone';
const replay = (): string => 'replay';

/** For each rule: a record that breaks it, and one at its boundary that keeps it. */
const CASES: Readonly<Record<string, { breaks: Injected; keeps: Injected }>> = {
  endpoint_non_empty: {
    breaks: { asset: endpoint, patch: { record_count: 0 }, eventType: 'RECORD_EMPTIED' },
    keeps: { asset: endpoint, patch: { record_count: 1 }, eventType: 'RECORD_ANSWERS' },
  },
  applied_generation_monotonic: {
    breaks: { asset: endpoint, patch: { regressions: 1 }, eventType: 'RECORD_REGRESSED' },
    keeps: { asset: endpoint, patch: { regressions: 0, ttl_s: 61 }, eventType: 'RECORD_ANSWERS' },
  },
  never_delete_active: {
    breaks: {
      asset: planner,
      patch: { plans_deleted: 1 },
      eventType: 'PLAN_DELETED',
      meta: { generation: 1, deleted_by: 'enactor-1', referenced_by: 0, in_flight: 1 },
    },
    keeps: {
      asset: planner,
      patch: { plans_deleted: 1 },
      eventType: 'PLAN_DELETED',
      meta: { generation: 1, deleted_by: 'enactor-1', referenced_by: 0, in_flight: 0 },
    },
  },
  staleness_bound: {
    breaks: {
      asset: enactor2,
      patch: { endpoints_written: 1 },
      eventType: 'RECORDS_WRITTEN',
      meta: { writer: 'enactor-2', plan_generation: 1, endpoints: 1, stale_by: 3, regressions: 0 },
    },
    keeps: {
      asset: enactor2,
      patch: { endpoints_written: 1 },
      eventType: 'RECORDS_WRITTEN',
      meta: { writer: 'enactor-2', plan_generation: 1, endpoints: 1, stale_by: 2, regressions: 0 },
    },
  },
  regional_consistency: {
    breaks: { asset: zone, patch: { generation_spread: 3 }, eventType: 'ZONE_SYNCED' },
    keeps: { asset: zone, patch: { generation_spread: 2 }, eventType: 'ZONE_SYNCED' },
  },
  liveness: {
    breaks: { asset: enactor2, patch: { stuck: true }, eventType: 'ENACTOR_STUCK' },
    keeps: { asset: enactor2, patch: { stuck: false }, eventType: 'ENACTOR_RECOVERED' },
  },
  expected_outcomes: {
    breaks: { asset: replay, patch: { outcomes_missed: 1 }, eventType: 'OUTCOME_MISSED' },
    keeps: { asset: replay, patch: { outcomes_met: 1 }, eventType: 'EVENT_REPLAYED' },
  },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'doppel-cp-constructed-'));
  // One replayed event whose outcome is met, so the day has its replay asset (the expected_outcomes rule's kind).
  writeFileSync(
    join(dir, 'events.jsonl'),
    `${JSON.stringify({ timestamp: '2025-10-19T23:10:00Z', type: 'plan_generated', payload: {}, expected_outcome: 'stored' })}\n`,
  );
  writeFileSync(
    join(dir, 'calm.yaml'),
    scenarioText({ version: 'guarded', duration: '1h', endpoints: 10, extra: '' }).replace(
      'controlplane:\n',
      'inputs: { events: events.jsonl }\ncontrolplane:\n',
    ),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function verdict(pack: AnyPack): Promise<TestResult> {
  const text = `doppel: 1\nname: constructed\nscenario:\n  file: calm.yaml\n  seed: 1\nsteps:\n  - advance: 1h\nrules:\n${RULES}`;
  const test = await loadTestText(text, { packs: [pack], fileName: 'constructed.test.yaml', baseDir: dir });
  return runTest(test, { packs: [pack] });
}

const statuses = (result: TestResult): Record<string, string> =>
  Object.fromEntries(result.replications[0].rules.map((rule) => [rule.id, rule.status]));

describe('each control-plane rule against a constructed violation', () => {
  it('covers every rule the examples ship', () => {
    expect(Object.keys(CASES).sort()).toEqual([...RULE_IDS].sort());
  });

  it('the calm day keeps every rule (the ground the constructed records are laid on)', async () => {
    const result = await verdict(controlPlanePack);
    expect(statuses(result)).toEqual(Object.fromEntries(RULE_IDS.map((id) => [id, 'passed'])));
  }, 60_000);

  for (const [id, { breaks, keeps }] of Object.entries(CASES)) {
    it(`${id}: the record that breaks it fails exactly it, named at that record; the boundary keeps it`, async () => {
      const { pack, injected } = injecting(breaks);
      const broken = await verdict(pack);
      const expected = Object.fromEntries(RULE_IDS.map((rule) => [rule, rule === id ? 'failed' : 'passed']));
      expect(statuses(broken)).toEqual(expected);
      expect(broken.status).toBe('failed');
      const rule = broken.replications[0].rules.find((r) => r.id === id);
      expect(rule?.first?.simTime).toBe(AT_S);
      expect(rule?.first?.eventType).toBe(breaks.eventType);
      expect(rule?.first?.assetId).toBe(injected.assetId);
      expect(broken.failures.some((f) => f.kind === 'rule' && f.ref === id)).toBe(true);

      const kept = await verdict(injecting(keeps).pack);
      expect(statuses(kept)).toEqual(Object.fromEntries(RULE_IDS.map((rule) => [rule, 'passed'])));
    }, 60_000);
  }
});
