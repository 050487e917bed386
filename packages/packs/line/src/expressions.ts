import { Environment as CelEnvironment } from '@marcbachmann/cel-js';
import { LineError, LineErrorCode } from './errors.js';

// Conditions are CEL (Common Expression Language): side-effect free, no loops, never eval. The seed's Python-style
// `not`, `and`, `or` are accepted and rewritten to `!`, `&&`, `||` outside string literals.

const cel = new CelEnvironment({ unlistedVariablesAreDyn: true });

const STRING_LITERAL = /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/;

/** Rewrites Python-style boolean words to CEL operators, leaving string literals alone. */
export function toCel(expression: string): string {
  return expression
    .split(STRING_LITERAL)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .replace(/\bnot\s+/g, '!')
            .replace(/\band\b/g, '&&')
            .replace(/\bor\b/g, '||'),
    )
    .join('');
}

export type Predicate = (context: Record<string, unknown>) => boolean;

/** Compiles a boolean CEL expression; a syntax error or a non-boolean result is a LineError. */
export function compilePredicate(expression: string, where: string): Predicate {
  let evaluate: (context: Record<string, unknown>) => unknown;
  try {
    evaluate = cel.parse(toCel(expression)) as unknown as (context: Record<string, unknown>) => unknown;
  } catch (error) {
    throw new LineError(
      LineErrorCode.InvalidExpression,
      `${where}: invalid condition "${expression}": ${(error as Error).message.split('\n')[0]}`,
      { expression, where },
    );
  }
  return (context) => {
    let value: unknown;
    try {
      value = evaluate(context);
    } catch (error) {
      throw new LineError(
        LineErrorCode.InvalidExpression,
        `${where}: condition "${expression}" failed: ${(error as Error).message.split('\n')[0]}`,
        { expression, where },
      );
    }
    if (typeof value !== 'boolean') {
      throw new LineError(
        LineErrorCode.InvalidExpression,
        `${where}: condition "${expression}" gave ${typeof value}, expected a boolean`,
        { expression, where },
      );
    }
    return value;
  };
}
