import type { AssetRegistry } from '../assets/asset-registry.js';
import { AssetExpressionCompiler, type AssetExpression } from '../expressions/asset-expressions.js';
import { TwinError, TwinErrorCode } from '../errors.js';
import type { Breakpoint } from '../contracts/wire/interventions.js';

export type { Breakpoint, BreakpointHit } from '../contracts/wire/interventions.js';

interface Entry {
  readonly id: string;
  readonly source: string;
  compiled: AssetExpression;
  /** Last value seen: breakpoints are edge-triggered (they fire when the condition BECOMES true). */
  last: boolean;
}

/**
 * The breakpoints of a session: CEL conditions over asset state, checked only after events that changed some
 * state, firing on a false-to-true edge. Costs nothing per event when none is set.
 */
export class BreakpointSet {
  private readonly entries = new Map<string, Entry>();
  private counter = 0;
  private compiler: AssetExpressionCompiler | null = null;
  private registry: AssetRegistry | null = null;

  get size(): number {
    return this.entries.size;
  }

  list(): Breakpoint[] {
    return [...this.entries.values()].map(({ id, source }) => ({ id, expression: source }));
  }

  /** Binds the set to an execution's assets (at creation and after each rewind) and re-reads every condition. */
  bind(registry: AssetRegistry, now: number): void {
    this.registry = registry;
    this.compiler = new AssetExpressionCompiler(registry.kindNames(), { asset: (id) => registry.asset(id) });
    for (const entry of this.entries.values()) {
      entry.compiled = this.compiler.compile(entry.source);
      entry.last = safeEvaluate(entry.compiled, now);
    }
  }

  add(expression: string, now: number): Breakpoint {
    const compiler = this.requireCompiler();
    const compiled = compiler.compileChecked(expression, now);
    const id = `bp-${++this.counter}`;
    this.entries.set(id, { id, source: expression, compiled, last: safeEvaluate(compiled, now) });
    return { id, expression };
  }

  remove(id: string): void {
    if (!this.entries.delete(id)) {
      throw new TwinError(TwinErrorCode.UnknownBreakpoint, `Unknown breakpoint "${id}"`, { id });
    }
  }

  /** Re-evaluates every condition (updating their edges); returns the first that became true, or null. */
  check(now: number): Breakpoint | null {
    let fired: Breakpoint | null = null;
    for (const entry of this.entries.values()) {
      const value = safeEvaluate(entry.compiled, now);
      if (value && !entry.last && fired === null) fired = { id: entry.id, expression: entry.source };
      entry.last = value;
    }
    return fired;
  }

  /**
   * A stop condition for the engine, or undefined when there is no breakpoint (the engine then runs its hot loop).
   * `onHit` receives the breakpoint that fired.
   */
  stopCondition(onHit: (breakpoint: Breakpoint) => void): (() => boolean) | undefined {
    if (this.entries.size === 0 || this.registry === null) return undefined;
    const registry = this.registry;
    const env = registry.env;
    let seen = registry.changes;
    return () => {
      const changes = registry.changes;
      if (changes === seen) return false;
      seen = changes;
      const fired = this.check(env.now);
      if (fired === null) return false;
      onHit(fired);
      return true;
    };
  }

  private requireCompiler(): AssetExpressionCompiler {
    if (this.compiler === null) throw new TwinError(TwinErrorCode.InvalidState, 'Breakpoints are not bound');
    return this.compiler;
  }
}

/** A condition that cannot be evaluated right now (e.g. a field that is null) counts as false. */
function safeEvaluate(expression: AssetExpression, now: number): boolean {
  try {
    return expression.evaluate(now);
  } catch {
    return false;
  }
}
