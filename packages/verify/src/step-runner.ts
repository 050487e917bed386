import { TwinError, type Json, type LedgerEvent, type Simulation, type StepResult } from '@doppel/twin';
import type { Step } from './definition.js';
import { eventOf, toJson, type TestExpressions } from './expressions.js';
import { resolveInstant } from './time.js';
import type { ResolvedScenario } from '@doppel/twin';

/** A step's outcome before it is stamped with its index, label and times. */
interface Outcome {
  readonly status: 'passed' | 'failed';
  readonly message?: string;
  readonly details?: Record<string, Json>;
}

const passed: Outcome = { status: 'passed' };

/** Runs the steps of a test, in order, against one simulation (one replication). */
export class StepRunner {
  constructor(
    private readonly sim: Simulation,
    private readonly expressions: TestExpressions,
    private readonly scenario: ResolvedScenario,
  ) {}

  /** Runs every step; after the first failure the rest are skipped. */
  run(steps: readonly Step[]): StepResult[] {
    const results: StepResult[] = [];
    let failed = false;
    for (const step of steps) {
      const startS = this.sim.now;
      if (failed) {
        results.push({
          index: step.index,
          kind: step.kind,
          label: step.label,
          status: 'skipped',
          startS,
          endS: startS,
        });
        continue;
      }
      let outcome: Outcome;
      try {
        outcome = this.step(step);
      } catch (error) {
        outcome = { status: 'failed', message: messageOf(error) };
      }
      if (outcome.status === 'failed') failed = true;
      results.push({
        index: step.index,
        kind: step.kind,
        label: step.label,
        status: outcome.status,
        startS,
        endS: this.sim.now,
        ...(outcome.message !== undefined ? { message: outcome.message } : {}),
        ...(outcome.details !== undefined ? { details: outcome.details } : {}),
      });
    }
    return results;
  }

  /** Runs to the scenario's horizon (through any breakpoint the scenario declares). */
  finish(): void {
    for (let guard = 0; guard < 1_000_000 && this.alive(); guard++) this.sim.runToEnd();
  }

  private step(step: Step): Outcome {
    const sim = this.sim;
    switch (step.kind) {
      case 'set':
        return this.intervention(step.asset, step.action, { [step.argName]: step.value }, undefined);
      case 'intervene': {
        const at = step.at === null ? undefined : resolveInstant(step.at, sim.now, this.scenario);
        return this.intervention(step.asset, step.action, step.args, at);
      }
      case 'advance': {
        const target = step.byS !== null ? sim.now + step.byS : resolveInstant(step.to!, sim.now, this.scenario);
        if (target < sim.now)
          return { status: 'failed', message: `cannot go back to ${target} s: now is ${sim.now} s` };
        this.runUntil(target);
        return passed;
      }
      case 'wait_until':
        return this.waitUntil(step);
      case 'assert': {
        const context = { now: sim.now };
        let value: unknown;
        try {
          value = step.condition.evaluate(context);
        } catch (error) {
          return { status: 'failed', message: `could not be evaluated: ${messageOf(error)}` };
        }
        const inputs = this.expressions.inputsOf(step.condition, context);
        if (value === true) return { status: 'passed', details: inputs };
        return { status: 'failed', message: step.message ?? `${step.condition.source} is false`, details: inputs };
      }
      case 'expect_event':
      case 'expect_no_event': {
        let match: LedgerEvent | null = null;
        const stop = sim.observe((record) => {
          if (match !== null || record.eventType !== step.type) return;
          if (step.asset !== undefined && record.assetId !== step.asset) return;
          if (step.where !== undefined) {
            try {
              if (step.where.evaluate({ now: record.simTime, event: eventOf(record) }) !== true) return;
            } catch {
              return;
            }
          }
          match = record;
        });
        try {
          // The window ends at the first matching record: an expected event is found (or a forbidden one seen) there.
          this.runUntil(sim.now + step.withinS, () => match !== null);
        } finally {
          stop();
        }
        const found = match as LedgerEvent | null;
        const details: Record<string, Json> | undefined =
          found === null ? undefined : { seq: found.seq, time: found.simTime, asset: found.assetId, meta: found.meta };
        const seen = found !== null;
        if (seen === (step.kind === 'expect_event')) return { status: 'passed', ...(details ? { details } : {}) };
        return {
          status: 'failed',
          message: seen
            ? `${step.type} happened at ${found.simTime} s on ${found.assetId}`
            : `no ${step.type} in the window`,
          ...(details ? { details } : {}),
        };
      }
      case 'snapshot': {
        const details: Record<string, Json> = {};
        if (step.values.length === 0) Object.assign(details, sim.kpis());
        for (const [name, expression] of step.values) {
          try {
            details[name] = toJson(expression.evaluate({ now: sim.now }));
          } catch (error) {
            details[name] = `(${messageOf(error)})`;
          }
        }
        return { status: 'passed', details };
      }
    }
  }

  private intervention(
    assetId: string,
    action: string,
    args: Record<string, unknown>,
    at: number | undefined,
  ): Outcome {
    const record = this.sim.intervene({
      assetId,
      action,
      args: args as Record<string, Json>,
      ...(at === undefined ? {} : { at }),
      origin: 'test',
    });
    const details = { id: record.id, status: record.status, effectiveAt: record.effectiveAt };
    if (record.status === 'FAILED')
      return { status: 'failed', message: `${action} failed: ${record.reason ?? ''}`, details };
    return { status: 'passed', details };
  }

  private waitUntil(step: Extract<Step, { kind: 'wait_until' }>): Outcome {
    const sim = this.sim;
    const deadline = Math.min(sim.now + step.timeoutS, sim.horizon);
    const holds = (): boolean => {
      try {
        return step.condition.evaluate({ now: sim.now }) === true;
      } catch {
        return false;
      }
    };
    if (holds()) return passed;
    if (step.condition.reads.stateOnly) {
      // Exact: the twin's breakpoint stops at the very event after which the condition becomes true.
      const breakpoint = sim.addBreakpoint(step.condition.source);
      try {
        while (sim.now < deadline && this.alive()) {
          const stop = sim.runUntil(deadline);
          if (stop.reason === 'breakpoint' && stop.breakpoint?.id === breakpoint.id && holds()) return passed;
          if (stop.reason !== 'breakpoint') break;
        }
      } finally {
        sim.removeBreakpoint(breakpoint.id);
      }
    } else {
      while (sim.now < deadline && this.alive()) {
        this.runUntil(Math.min(sim.now + step.pollS, deadline));
        if (holds()) return passed;
      }
    }
    if (holds()) return passed;
    return {
      status: 'failed',
      message: `timed out after ${step.timeoutS} s: ${step.condition.source} never held`,
      details: this.expressions.inputsOf(step.condition, { now: sim.now }),
    };
  }

  /**
   * Runs until `t` (capped at the horizon), through any breakpoint the scenario declares; with `stopWhen`, no further
   * than the engine event after which it holds.
   */
  private runUntil(t: number, stopWhen?: () => boolean): void {
    const target = Math.min(t, this.sim.horizon);
    const options = stopWhen === undefined ? {} : { stopWhen };
    for (let guard = 0; guard < 1_000_000 && this.alive() && this.sim.now < target; guard++) {
      if (stopWhen?.() === true) break;
      this.sim.runUntil(target, options);
    }
    if (this.sim.status === 'failed') throw this.sim.error ?? new Error('the simulation failed');
  }

  private alive(): boolean {
    return this.sim.status !== 'finished' && this.sim.status !== 'failed';
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof TwinError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
