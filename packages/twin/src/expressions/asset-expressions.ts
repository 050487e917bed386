import { Environment as CelEnvironment, ParseError } from '@marcbachmann/cel-js';
import type { Asset } from '../contracts/assets.js';
import type { JsonObject } from '../contracts/json.js';
import { TwinError, TwinErrorCode } from '../errors.js';

/** Where an expression problem is: 0-based offsets into the text, 1-based line and column of `start`. */
export interface ExpressionPosition {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** What expressions read: assets by id, and the current sim time. */
export interface ExpressionScope {
  asset(id: string): Asset<JsonObject, unknown> | undefined;
}

/** A compiled boolean expression over asset state. */
export interface AssetExpression {
  readonly source: string;
  /** Evaluates at sim time `now`; throws only for runtime errors (a missing asset, a missing field...). */
  evaluate(now: number): boolean;
}

// Words CEL or its standard library own: a kind with one of these names gets no function (use asset('id')).
const RESERVED = new Set([
  'asset',
  'now',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
  'true',
  'false',
  'null',
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'type',
  'dyn',
  'size',
  'has',
  'duration',
  'timestamp',
  'matches',
  'all',
  'exists',
  'exists_one',
  'filter',
  'optional',
  'cel',
]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

class MissingAsset extends Error {}

/**
 * Compiles CEL expressions (never `eval`) over the assets of a simulation: `station('s4').queue_length > 5` (one
 * function per asset kind), `asset('s4').online`, and `now` in seconds. The scope is read at evaluation time, so a
 * compiled expression follows the live state.
 */
export class AssetExpressionCompiler {
  private readonly cel: CelEnvironment;
  private readonly scope: ExpressionScope;

  constructor(kinds: readonly string[], scope: ExpressionScope) {
    this.scope = scope;
    const cel = new CelEnvironment({ homogeneousAggregateLiterals: false });
    cel.registerVariable('now', 'double');
    cel.registerFunction('asset(string): map', (id: string) => this.stateOf(id, undefined));
    for (const kind of new Set(kinds)) {
      if (!IDENTIFIER.test(kind) || RESERVED.has(kind)) continue;
      cel.registerFunction(`${kind}(string): map`, (id: string) => this.stateOf(id, kind));
    }
    this.cel = cel;
  }

  /** Parses and type-checks; throws DOPPEL_ERR_INVALID_EXPRESSION with the position of the problem. */
  compile(source: string): AssetExpression {
    if (typeof source !== 'string' || source.trim() === '') {
      throw invalid(source, 'An expression must be a non-empty string', { start: 0, end: 0 });
    }
    const check = this.cel.check(source);
    if (!check.valid) {
      const error = check.error;
      throw invalid(source, error?.summary ?? error?.message ?? 'invalid expression', error?.range);
    }
    if (check.type !== 'bool' && check.type !== 'dyn') {
      throw invalid(source, `The expression must be a condition (bool), it is ${check.type}`, {
        start: 0,
        end: source.length,
      });
    }
    let program: (context: Record<string, unknown>) => unknown;
    try {
      program = this.cel.parse(source);
    } catch (error) {
      if (error instanceof ParseError) throw invalid(source, error.summary, error.range);
      throw error;
    }
    const context = { now: 0 };
    return {
      source,
      evaluate: (now: number): boolean => {
        context.now = now;
        return program(context) === true;
      },
    };
  }

  /** Compiles and evaluates once now, so that a reference to a missing asset is reported when it is added. */
  compileChecked(source: string, now: number): AssetExpression {
    const expression = this.compile(source);
    try {
      expression.evaluate(now);
    } catch (error) {
      const range = (error as { range?: { start: number; end: number } }).range;
      const message =
        error instanceof Error ? ((error as { summary?: string }).summary ?? error.message) : String(error);
      throw invalid(source, message, range);
    }
    return expression;
  }

  private stateOf(id: string, kind: string | undefined): JsonObject {
    const asset = this.scope.asset(id);
    if (asset === undefined || (kind !== undefined && asset.kind !== kind)) {
      throw new MissingAsset(`No ${kind ?? 'asset'} "${id}"`);
    }
    return asset.state;
  }
}

export function expressionPosition(source: string, range?: { start: number; end: number }): ExpressionPosition {
  const start = Math.max(0, Math.min(range?.start ?? 0, source.length));
  const end = Math.max(start, Math.min(range?.end ?? start, source.length));
  const before = source.slice(0, start);
  const line = before.split('\n').length;
  const column = start - (before.lastIndexOf('\n') + 1) + 1;
  return { start, end, line, column };
}

function invalid(source: string, message: string, range?: { start: number; end: number }): TwinError {
  const position = expressionPosition(typeof source === 'string' ? source : '', range);
  return new TwinError(
    TwinErrorCode.InvalidExpression,
    `Invalid expression at ${position.line}:${position.column}: ${message}`,
    { expression: source, position, reason: message },
  );
}
