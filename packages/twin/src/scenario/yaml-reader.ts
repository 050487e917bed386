import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  YAMLParseError,
  type Alias,
  type CST,
  type Document,
  type Node,
} from 'yaml';
import { MAX_NESTING_DEPTH, MAX_YAML_ALIAS_CHARS, MAX_YAML_ALIAS_VALUES } from '../contracts/limits.js';
import { ScenarioIssueCode } from '../errors.js';
import type { IssueList } from './issues.js';
import { metaOf, setMeta, type Loc, type MemberLoc, type Plain, type PlainObject } from './located.js';
import { refuseText, resolveAnchors, tooDeep, type Anchors } from './yaml-bounds.js';

/**
 * Parses YAML (or JSON, a subset of YAML) into plain values with location side tables. Syntax errors, tab
 * indentation, duplicate keys and non-string keys are added to `issues`; the returned value is what could be read
 * (undefined when the text is unusable). This is the one YAML reader of every path (files, config directories,
 * request bodies): it bounds document size, nesting depth and alias expansion (see contracts/limits.ts), so hostile
 * text costs milliseconds and a located issue, never the process.
 */
export function readYaml(text: string, file: string, issues: IssueList): Plain | undefined {
  const refused = refuseText(text);
  if (refused !== undefined) {
    issues.add({
      code: refused.limit ? ScenarioIssueCode.InputLimit : ScenarioIssueCode.YamlSyntax,
      loc: locate(text, file, refused.offset),
      path: '',
      message: refused.message,
    });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const at = (offset: number): Loc => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep !== undefined) {
    issues.add({ code: ScenarioIssueCode.InputLimit, loc: at(deep.offset), path: '', message: deep.message });
    return undefined;
  }
  const doc = compose(tokens, text.length);
  for (const error of doc.errors) {
    issues.add({
      code: ScenarioIssueCode.YamlSyntax,
      loc: at(error.pos[0]),
      path: '',
      message: syntaxMessage(error.code, error.message),
    });
  }
  if (doc.errors.length > 0) return undefined;
  const anchors = resolveAnchors(doc.contents as Node | null);
  const aliasIssue = (alias: Alias, code: ScenarioIssueCode, message: string): undefined => {
    issues.add({ code, loc: at(alias.range?.[0] ?? 0), path: '', message });
    return undefined;
  };
  if (anchors.overLimit)
    return aliasIssue(anchors.overLimit, ScenarioIssueCode.InputLimit, 'the document has too many aliases (*name)');
  if (anchors.unresolved.length > 0) {
    const alias = anchors.unresolved[0];
    return aliasIssue(
      alias,
      ScenarioIssueCode.YamlSyntax,
      `alias *${alias.source} names no anchor (&${alias.source}) defined before it`,
    );
  }
  const reader = new Reader(anchors, at, issues);
  try {
    return doc.contents ? reader.read(doc.contents as Node, 0) : null;
  } catch (error) {
    if (!(error instanceof ExpansionLimit)) throw error;
    issues.add({ code: ScenarioIssueCode.InputLimit, loc: error.loc, path: '', message: error.message });
    return undefined;
  }
}

/** `parseDocument` on tokens already checked: the first document, and an error for any further one. */
function compose(tokens: readonly CST.Token[], length: number): Document {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, version: '1.2', merge: true });
  let first: Document | undefined;
  for (const doc of composer.compose(tokens, true, length)) {
    if (first !== undefined) {
      first.errors.push(
        new YAMLParseError(
          doc.range.slice(0, 2) as [number, number],
          'MULTIPLE_DOCS',
          'Source contains multiple documents',
        ),
      );
      break;
    }
    first = doc;
  }
  // compose(…, forceDoc = true) always yields at least one document.
  return first!;
}

/** Line and column of an offset, for text refused before it was parsed. */
function locate(text: string, file: string, offset: number): Loc {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}

/** Thrown inside the reader when following aliases expands the document past a limit; reported at the alias. */
class ExpansionLimit extends Error {
  constructor(
    message: string,
    readonly loc: Loc,
  ) {
    super(message);
  }
}

function syntaxMessage(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT') return `YAML syntax error: tabs are not allowed for indentation, use spaces (${first})`;
  if (code === 'DUPLICATE_KEY') return `YAML syntax error: duplicate key (${first})`;
  return `YAML syntax error: ${first}`;
}

class Reader {
  /** Values and characters produced by following aliases: bounded against alias bombs. */
  private values = 0;
  private chars = 0;
  /** The outermost alias being followed: where an expansion past a limit is reported. */
  private expanding: Loc | null = null;

  constructor(
    private readonly anchors: Anchors,
    private readonly at: (offset: number) => Loc,
    private readonly issues: IssueList,
  ) {}

  private count(values: number, chars: number): void {
    if (this.expanding === null) return;
    this.values += values;
    this.chars += chars;
    if (this.values <= MAX_YAML_ALIAS_VALUES && this.chars <= MAX_YAML_ALIAS_CHARS) return;
    const what =
      this.values > MAX_YAML_ALIAS_VALUES ? `${MAX_YAML_ALIAS_VALUES} values` : `${MAX_YAML_ALIAS_CHARS} characters`;
    throw new ExpansionLimit(
      `following the aliases here adds more than ${what} to the document (the limit; nested aliases multiply)`,
      this.expanding,
    );
  }

  private locOf(node: Node | null | undefined, fallback: Loc): Loc {
    return node?.range ? this.at(node.range[0]) : fallback;
  }

  read(node: Node, depth: number): Plain {
    const here = this.locOf(node, { file: this.at(0).file, line: 1, column: 1 });
    this.count(1, 0);
    if (depth > MAX_NESTING_DEPTH) {
      this.issues.add({
        code: ScenarioIssueCode.InputLimit,
        loc: here,
        path: '',
        message: `the document is nested more than ${MAX_NESTING_DEPTH} levels deep once aliases are followed (the limit)`,
      });
      return null;
    }
    if (isAlias(node)) {
      const target = this.anchors.targets.get(node);
      if (!target) return null;
      const outermost = this.expanding === null;
      if (outermost) this.expanding = here;
      try {
        return this.read(target, depth + 1);
      } finally {
        if (outermost) this.expanding = null;
      }
    }
    if (isMap(node)) {
      const out: PlainObject = {};
      const members = new Map<string, MemberLoc>();
      const merged: Plain[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyLoc = this.locOf(keyNode, here);
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol' && pair.value) {
          // `<<: *anchor` (or a list of them): merged after the explicit keys, which win.
          const source = this.read(pair.value as Node, depth + 1);
          merged.push(...(Array.isArray(source) ? source : [source]));
          continue;
        }
        if (keyNode !== null && !isScalar(keyNode)) {
          this.issues.add({
            code: ScenarioIssueCode.YamlSyntax,
            loc: keyLoc,
            path: '',
            message: 'keys must be plain strings',
          });
          continue;
        }
        const key = keyNode === null || keyNode.value === null ? '' : String(keyNode.value);
        this.count(0, key.length);
        const valueNode = pair.value as Node | null;
        const valueLoc = valueNode ? this.locOf(valueNode, keyLoc) : keyLoc;
        out[key] = valueNode ? this.read(valueNode, depth + 1) : null;
        members.set(key, { key: keyLoc, value: valueLoc });
      }
      for (const source of merged) {
        if (source === null || typeof source !== 'object' || Array.isArray(source)) continue;
        const sourceMembers = metaOf(source)?.members;
        for (const [key, value] of Object.entries(source)) {
          if (key in out) continue;
          out[key] = value;
          const where = sourceMembers?.get(key);
          if (where) members.set(key, where);
        }
      }
      setMeta(out, here, members);
      return out;
    }
    if (isSeq(node)) {
      const out: Plain[] = [];
      const members = new Map<string, MemberLoc>();
      node.items.forEach((item, index) => {
        const itemNode = item as Node | null;
        const loc = this.locOf(itemNode, here);
        out.push(itemNode ? this.read(itemNode, depth + 1) : null);
        members.set(String(index), { key: loc, value: loc });
      });
      setMeta(out, here, members);
      return out;
    }
    if (isScalar(node)) {
      if (typeof node.value === 'string') this.count(0, node.value.length);
      return this.scalar(node.value, here);
    }
    return null;
  }

  private scalar(value: unknown, loc: Loc): Plain {
    if (value === null || value === undefined) return null;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        this.issues.add({
          code: ScenarioIssueCode.InvalidValue,
          loc,
          path: '',
          message: 'infinite and NaN numbers are not allowed',
          found: String(value),
        });
        return null;
      }
      return value;
    }
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'boolean' || typeof value === 'string') return value;
    return String(value);
  }
}
