import { ScenarioIssueCode } from '../errors.js';
import { describeValue, nearest, type IssueList } from './issues.js';
import { buildObject, isPlainObject, locOf, metaOf, setMeta, type Loc, type MemberLoc, type Plain } from './located.js';

const constantName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const wholeReference = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const anyReference = /\$?\$\{([^}]*)\}/g;

export type Constants = ReadonlyMap<string, Plain>;

/** Reads a `constants` mapping (NAME: value), reporting names that could never be referenced. */
export function readConstants(
  source: Plain | undefined,
  issues: IssueList,
  pathPrefix: readonly string[],
  fallback: Loc,
): Map<string, Plain> {
  const out = new Map<string, Plain>();
  if (source === undefined || source === null) return out;
  if (!isPlainObject(source)) {
    issues.add({
      code: ScenarioIssueCode.InvalidType,
      loc: locOf(source, fallback),
      path: pathPrefix,
      message: 'constants must be a mapping of NAME: value',
      expected: 'a mapping',
      found: describeValue(source),
    });
    return out;
  }
  const meta = metaOf(source);
  for (const [name, value] of Object.entries(source)) {
    if (!constantName.test(name)) {
      issues.add({
        code: ScenarioIssueCode.InvalidValue,
        loc: meta?.members.get(name)?.key ?? fallback,
        path: [...pathPrefix, name],
        message: 'a constant name is letters, digits and underscores, not starting with a digit',
        found: JSON.stringify(name),
      });
      continue;
    }
    out.set(name, value);
  }
  return out;
}

/**
 * Replaces `${NAME}` in every string of `value`. A string that is exactly `${NAME}` takes the constant's value
 * with its type (number, list, mapping); inside a longer string the constant is written as text. `$${` writes a
 * literal `${`. Unknown names are located errors with the nearest known name.
 */
export function substituteConstants(
  value: Plain,
  constants: Constants,
  issues: IssueList,
  path: readonly PropertyKey[],
  loc: Loc,
): Plain {
  if (typeof value === 'string') return substituteString(value, constants, issues, path, loc);
  if (Array.isArray(value)) {
    const meta = metaOf(value);
    const out = value.map((item, index) =>
      substituteConstants(item, constants, issues, [...path, index], meta?.members.get(String(index))?.value ?? loc),
    );
    if (meta) setMeta(out, meta.loc, new Map(meta.members));
    return out;
  }
  if (isPlainObject(value)) {
    const meta = metaOf(value);
    const entries: [string, Plain, MemberLoc | undefined][] = Object.keys(value).map((key) => {
      const member = meta?.members.get(key);
      return [key, substituteConstants(value[key], constants, issues, [...path, key], member?.value ?? loc), member];
    });
    return buildObject(meta?.loc ?? loc, entries);
  }
  return value;
}

function substituteString(
  text: string,
  constants: Constants,
  issues: IssueList,
  path: readonly PropertyKey[],
  loc: Loc,
): Plain {
  if (!text.includes('${')) return text;
  const whole = wholeReference.exec(text);
  if (whole) {
    const found = lookup(whole[1], constants, issues, path, loc);
    return found === undefined ? text : found;
  }
  return text.replace(anyReference, (match: string, name: string) => {
    if (match.startsWith('$$')) return match.slice(1);
    const found = lookup(name, constants, issues, path, loc);
    if (found === undefined) return match;
    return typeof found === 'string' ? found : JSON.stringify(found);
  });
}

function lookup(
  name: string,
  constants: Constants,
  issues: IssueList,
  path: readonly PropertyKey[],
  loc: Loc,
): Plain | undefined {
  if (constants.has(name)) return constants.get(name);
  const suggestion = nearest(name, constants.keys());
  issues.add({
    code: ScenarioIssueCode.UnknownConstant,
    loc,
    path,
    message: `unknown constant \${${name}}`,
    expected:
      constants.size > 0 ? `one of ${[...constants.keys()].sort().join(', ')}` : 'a constant defined in constants',
    found: `\${${name}}`,
    ...(suggestion !== undefined ? { suggestion } : {}),
  });
  return undefined;
}
