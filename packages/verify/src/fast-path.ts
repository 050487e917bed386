/**
 * A direct evaluator for the simple conditions rules are mostly made of (`self.queue_length <= 8.0`,
 * `event.meta.wait_time_s < 3600.0 && self.soc >= 0.0`): member reads of `self`, `event` and `now`, literals,
 * comparisons, equality, `&&`, `||`, `!` and double arithmetic. Rules run on every ledger record, and walking the
 * CEL interpreter for each costs more than the simulation step itself; this path is a closure per AST node.
 *
 * It never decides what CEL would decide differently: whenever a value is not one it handles exactly (a missing
 * key, an int in arithmetic, a string ordering, an unsigned literal, anything else) it answers UNSURE and the
 * caller evaluates the expression with CEL, which then gives the result or the error. So a fast result is always
 * CEL's result, and every error message is CEL's.
 */

export const UNSURE: unique symbol = Symbol('unsure');

type Value = unknown;
export type FastEvaluator = (self: unknown, event: unknown, now: number) => Value;

interface Node {
  readonly op: string;
  readonly args: unknown;
}

const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && typeof (value as Node).op === 'string';

const isNumber = (value: unknown): value is number | bigint => typeof value === 'number' || typeof value === 'bigint';

/** A plain JSON object's own field, or UNSURE (CEL reports a missing key, a null or a non-map as an error). */
function field(base: Value, name: string): Value {
  if (base === null || typeof base !== 'object' || Array.isArray(base) || base instanceof Map) return UNSURE;
  if (!Object.prototype.hasOwnProperty.call(base, name)) return UNSURE;
  const value = (base as Record<string, unknown>)[name];
  return value === undefined ? UNSURE : value;
}

/** The fast evaluator of a parsed CEL expression, or null when it uses anything this path does not handle. */
export function fastEvaluator(ast: unknown): FastEvaluator | null {
  const compiled = compile(ast);
  if (compiled === null) return null;
  return (self, event, now) => {
    const value = compiled(self, event, now);
    return typeof value === 'boolean' ? value : UNSURE;
  };
}

function compile(node: unknown): FastEvaluator | null {
  if (!isNode(node)) return null;
  const args = node.args;
  switch (node.op) {
    case 'value': {
      // null, bytes and unsigned literals behave apart in CEL: not handled here.
      if (typeof args !== 'number' && typeof args !== 'bigint' && typeof args !== 'string' && typeof args !== 'boolean')
        return null;
      return () => args;
    }
    case 'id':
      if (args === 'self') return (self) => self;
      if (args === 'event') return (_self, event) => event;
      if (args === 'now') return (_self, _event, now) => now;
      return null;
    case '.': {
      const [base, name] = args as [unknown, unknown];
      const of = compile(base);
      if (of === null || typeof name !== 'string') return null;
      return (self, event, now) => {
        const value = of(self, event, now);
        return value === UNSURE ? UNSURE : field(value, name);
      };
    }
    case '!_': {
      const inner = compile(args);
      if (inner === null) return null;
      return (self, event, now) => {
        const value = inner(self, event, now);
        return typeof value === 'boolean' ? !value : UNSURE;
      };
    }
    case '-_': {
      const inner = compile(args);
      if (inner === null) return null;
      return (self, event, now) => {
        const value = inner(self, event, now);
        if (typeof value === 'number') return -value;
        // An int literal (`-5`); the most negative int has no positive twin, so CEL reports its overflow.
        return typeof value === 'bigint' && value > -(2n ** 63n) ? -value : UNSURE;
      };
    }
    case '&&':
    case '||':
      return logical(node.op, args);
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '==':
    case '!=':
    case '+':
    case '-':
    case '*':
    case '/':
      return binary(node.op, args);
    default:
      return null;
  }
}

function pair(args: unknown): [FastEvaluator, FastEvaluator] | null {
  if (!Array.isArray(args) || args.length !== 2) return null;
  const left = compile(args[0]);
  const right = compile(args[1]);
  return left === null || right === null ? null : [left, right];
}

function logical(op: '&&' | '||', args: unknown): FastEvaluator | null {
  const both = pair(args);
  if (both === null) return null;
  const [left, right] = both;
  // The deciding value of the left side ends it (CEL's `false && x` is false even when x is an error); an unsure
  // left side hands the whole expression to CEL, which knows how errors and the other side combine.
  const decides = op === '||';
  return (self, event, now) => {
    const a = left(self, event, now);
    if (typeof a !== 'boolean') return UNSURE;
    if (a === decides) return a;
    const b = right(self, event, now);
    return typeof b === 'boolean' ? b : UNSURE;
  };
}

function binary(op: string, args: unknown): FastEvaluator | null {
  const both = pair(args);
  if (both === null) return null;
  const [left, right] = both;
  const apply = operator(op);
  return (self, event, now) => {
    const a = left(self, event, now);
    if (a === UNSURE) return UNSURE;
    const b = right(self, event, now);
    return b === UNSURE ? UNSURE : apply(a, b);
  };
}

function operator(op: string): (a: Value, b: Value) => Value {
  switch (op) {
    // Numbers of either kind compare by value in CEL as in JavaScript (double against int included).
    case '<':
      return (a, b) => (isNumber(a) && isNumber(b) ? a < b : UNSURE);
    case '<=':
      return (a, b) => (isNumber(a) && isNumber(b) ? a <= b : UNSURE);
    case '>':
      return (a, b) => (isNumber(a) && isNumber(b) ? a > b : UNSURE);
    case '>=':
      return (a, b) => (isNumber(a) && isNumber(b) ? a >= b : UNSURE);
    case '==':
      return (a, b) => equal(a, b);
    case '!=':
      return (a, b) => {
        const same = equal(a, b);
        return typeof same === 'boolean' ? !same : UNSURE;
      };
    // Arithmetic only on doubles: int arithmetic (overflow, truncation) and mixed kinds stay with CEL.
    case '+':
      return (a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : UNSURE);
    case '-':
      return (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : UNSURE);
    case '*':
      return (a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : UNSURE);
    default:
      return (a, b) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : UNSURE);
  }
}

function equal(a: Value, b: Value): Value {
  if (isNumber(a) && isNumber(b)) return a == b; // number == bigint compares by value
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  return UNSURE;
}
