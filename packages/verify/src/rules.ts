import {
  ASSET_CREATED,
  type JsonObject,
  type LedgerEvent,
  type LedgerExcerptRecord,
  type RuleResult,
  type Simulation,
  type Violation,
} from '@doppel/twin';
import { eventOf, type CompiledExpression, type TestExpressions } from './expressions.js';
import type { RuleInput } from './schema.js';

/** A rule ready to check: its condition compiled, its filters as sets. */
export interface CompiledRule {
  readonly input: RuleInput;
  readonly expression: CompiledExpression;
}

interface RuleState {
  readonly rule: CompiledRule;
  readonly on: ReadonlySet<string> | null;
  /** Fields of `self` whose change can change the outcome; null: any event may (it reads `event` or the world). */
  readonly fields: ReadonlySet<string> | null;
  readonly usesEvent: boolean;
  checks: number;
  violations: number;
  /** The violations kept with their ledger records, up to `keep`. */
  kept: Violation[];
  /** Seq of the last record it was checked on: a rule reached through two changed fields is checked once. */
  lastSeq: number;
}

/** The rules that apply to the records of one asset kind, sorted by what makes them worth evaluating. */
interface KindPlan {
  /** Rules over `self` only, without an event filter, by a field they read: checked when a record changes it. */
  readonly byField: ReadonlyMap<string, readonly RuleState[]>;
  /** Those same rules, all checked on the record that creates an asset. */
  readonly selfOnly: readonly RuleState[];
  /** The rest: checked on every record that passes their `on` filter (and changes a field, if they read only self). */
  readonly others: readonly RuleState[];
}

export interface RuleMonitorOptions {
  /** Records kept before a violation for its ledger excerpt (default 20, the violating record included). */
  readonly excerpt?: number;
  /** Violations kept per rule with their own ledger excerpt (default 50); later ones are only counted. */
  readonly keep?: number;
  /** Scenario start in epoch milliseconds, for violation datetimes. */
  readonly startMs: number;
}

/**
 * Checks rules incrementally on every ledger record while the simulation runs (through `Simulation.observe`, so
 * the assets hold exactly the state right after the record). A rule that reads only fields of `self` is evaluated
 * only on records of its kind that change one of those fields; a rule that reads `event` or other assets and KPIs
 * on every record that passes its `kind` and `on` filters. Each violation of a rule (up to `keep`) is kept with the
 * values the condition read and the ledger records that led to it; later ones are counted. Nothing is stopped.
 */
export class RuleMonitor {
  private readonly states: RuleState[];
  private readonly excerptSize: number;
  private readonly keep: number;
  private readonly ring: (LedgerEvent | undefined)[];
  private ringNext = 0;
  private readonly kinds = new Map<string, string>();
  private readonly plans = new Map<string, KindPlan>();
  private sim: Simulation | null = null;

  constructor(
    rules: readonly CompiledRule[],
    private readonly expressions: TestExpressions,
    private readonly options: RuleMonitorOptions,
  ) {
    this.excerptSize = Math.max(1, options.excerpt ?? 20);
    this.keep = Math.max(1, options.keep ?? 50);
    this.ring = new Array<LedgerEvent | undefined>(this.excerptSize);
    this.states = rules.map((rule) => {
      const reads = rule.expression.reads;
      const selfOnly = !reads.usesEvent && !reads.usesWorld && reads.selfFields !== null;
      return {
        rule,
        on: rule.input.on ? new Set(rule.input.on) : null,
        fields: selfOnly ? reads.selfFields : null,
        usesEvent: reads.usesEvent,
        checks: 0,
        violations: 0,
        kept: [],
        lastSeq: -1,
      };
    });
  }

  /** Starts checking `sim`: every asset's initial state now, then every record. Returns the function that stops. */
  attach(sim: Simulation): () => void {
    this.sim = sim;
    if (this.states.length === 0) return () => undefined;
    for (const asset of sim.assets()) {
      this.kinds.set(asset.id, asset.kind);
      for (const state of this.states) {
        // Rules about events (`on`, `event`) wait for one; the others hold for every asset from the start.
        if (state.usesEvent || state.on !== null) continue;
        if (state.rule.input.kind !== undefined && state.rule.input.kind !== asset.kind) continue;
        this.evaluate(state, asset.state, null, null, sim.now, asset.id);
      }
    }
    return sim.observe((record) => this.check(record));
  }

  results(): RuleResult[] {
    return this.states.map((state) => ({
      id: state.rule.input.id,
      category: state.rule.input.category,
      condition: state.rule.input.condition,
      status: state.violations > 0 ? 'failed' : 'passed',
      checks: state.checks,
      violations: state.violations,
      first: state.kept[0] ?? null,
      kept: state.kept,
    }));
  }

  /** The rules of a kind, planned once: records are many, kinds few. */
  private planOf(kind: string): KindPlan {
    let plan = this.plans.get(kind);
    if (plan !== undefined) return plan;
    const byField = new Map<string, RuleState[]>();
    const selfOnly: RuleState[] = [];
    const others: RuleState[] = [];
    for (const state of this.states) {
      if (state.rule.input.kind !== undefined && state.rule.input.kind !== kind) continue;
      if (state.on === null && state.fields !== null) {
        selfOnly.push(state);
        for (const name of state.fields) {
          const list = byField.get(name);
          if (list === undefined) byField.set(name, [state]);
          else list.push(state);
        }
      } else others.push(state);
    }
    plan = { byField, selfOnly, others };
    this.plans.set(kind, plan);
    return plan;
  }

  private check(record: LedgerEvent): void {
    this.ring[this.ringNext] = record;
    this.ringNext = (this.ringNext + 1) % this.excerptSize;
    const sim = this.sim as Simulation;
    let kind = this.kinds.get(record.assetId);
    if (kind === undefined) {
      kind = sim.asset(record.assetId).kind;
      this.kinds.set(record.assetId, kind);
    }
    const plan = this.planOf(kind);
    let self: JsonObject | null = null;
    const created = record.eventType === ASSET_CREATED;
    const patch = record.newValue;
    if (created) {
      for (const state of plan.selfOnly) {
        self ??= sim.asset(record.assetId).state;
        this.evaluate(state, self, null, record, record.simTime, record.assetId);
      }
    } else if (patch !== null && plan.byField.size > 0) {
      for (const key in patch) {
        const rules = plan.byField.get(topField(key));
        if (rules === undefined) continue;
        for (const state of rules) {
          if (state.lastSeq === record.seq) continue;
          state.lastSeq = record.seq;
          self ??= sim.asset(record.assetId).state;
          this.evaluate(state, self, null, record, record.simTime, record.assetId);
        }
      }
    }
    let event: JsonObject | null = null;
    for (const state of plan.others) {
      if (state.on !== null && !state.on.has(record.eventType)) continue;
      if (state.fields !== null && !created && !touches(patch, state.fields)) continue;
      self ??= sim.asset(record.assetId).state;
      if (state.usesEvent) event ??= eventOf(record);
      this.evaluate(state, self, state.usesEvent ? event : null, record, record.simTime, record.assetId);
    }
  }

  private evaluate(
    state: RuleState,
    self: JsonObject,
    event: JsonObject | null,
    record: LedgerEvent | null,
    now: number,
    assetId: string,
  ): void {
    state.checks++;
    let outcome: unknown;
    let problem: string | null = null;
    try {
      outcome = state.rule.expression.evaluate({ now, self, event });
    } catch (error) {
      problem = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    if (problem === null && outcome === true) return;
    state.violations++;
    if (state.kept.length >= this.keep) return;
    const input = state.rule.input;
    const reason = problem !== null ? `could not be evaluated: ${problem}` : `${input.condition} is false`;
    state.kept.push({
      ruleId: input.id,
      seq: record?.seq ?? 0,
      simTime: now,
      datetime: new Date(this.options.startMs + now * 1000).toISOString(),
      assetId,
      eventType: record?.eventType ?? ASSET_CREATED,
      message: input.message !== undefined ? `${input.message} (${reason})` : reason,
      inputs: this.expressions.inputsOf(state.rule.expression, { now, self, event }),
      ledger: record === null ? [] : this.excerpt(),
    });
  }

  /** The records kept before (and including) the current one, oldest first. */
  private excerpt(): LedgerExcerptRecord[] {
    const out: LedgerExcerptRecord[] = [];
    for (let i = 0; i < this.excerptSize; i++) {
      const record = this.ring[(this.ringNext + i) % this.excerptSize];
      if (record === undefined) continue;
      out.push({
        seq: record.seq,
        simTime: record.simTime,
        assetId: record.assetId,
        eventType: record.eventType,
        newValue: record.newValue,
        meta: record.meta,
        origin: record.origin,
      });
    }
    return out;
  }
}

/** The top-level state field a patch key changes: the key itself, or the first segment of a JSON Pointer. */
function topField(key: string): string {
  if (key.charCodeAt(0) !== 47 /* '/' */) return key;
  const end = key.indexOf('/', 1);
  const token = end < 0 ? key.slice(1) : key.slice(1, end);
  return token.includes('~') ? token.replaceAll('~1', '/').replaceAll('~0', '~') : token;
}

/** True when a state patch changes one of `fields` (by name, or inside it by JSON Pointer). */
function touches(patch: JsonObject | null, fields: ReadonlySet<string>): boolean {
  if (patch === null) return false;
  for (const key in patch) if (fields.has(topField(key))) return true;
  return false;
}
