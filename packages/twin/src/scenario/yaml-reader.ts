import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ScenarioIssueCode } from '../errors.js';
import type { IssueList } from './issues.js';
import { metaOf, setMeta, type Loc, type MemberLoc, type Plain, type PlainObject } from './located.js';

const maxDepth = 64;

/**
 * Parses YAML (or JSON, a subset of YAML) into plain values with location side tables. Syntax errors, tab
 * indentation, duplicate keys and non-string keys are added to `issues`; the returned value is what could be read
 * (undefined when the text is unusable).
 */
export function readYaml(text: string, file: string, issues: IssueList): Plain | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2', merge: true });
  const at = (offset: number): Loc => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  for (const error of doc.errors) {
    issues.add({
      code: ScenarioIssueCode.YamlSyntax,
      loc: at(error.pos[0]),
      path: '',
      message: syntaxMessage(error.code, error.message),
    });
  }
  if (doc.errors.length > 0) return undefined;
  const reader = new Reader(doc, at, issues);
  return doc.contents ? reader.read(doc.contents as Node, 0) : null;
}

function syntaxMessage(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT') return `YAML syntax error: tabs are not allowed for indentation, use spaces (${first})`;
  if (code === 'DUPLICATE_KEY') return `YAML syntax error: duplicate key (${first})`;
  return `YAML syntax error: ${first}`;
}

class Reader {
  constructor(
    private readonly doc: Document,
    private readonly at: (offset: number) => Loc,
    private readonly issues: IssueList,
  ) {}

  private locOf(node: Node | null | undefined, fallback: Loc): Loc {
    return node?.range ? this.at(node.range[0]) : fallback;
  }

  read(node: Node, depth: number): Plain {
    const here = this.locOf(node, { file: this.at(0).file, line: 1, column: 1 });
    if (depth > maxDepth) {
      this.issues.add({
        code: ScenarioIssueCode.YamlSyntax,
        loc: here,
        path: '',
        message: 'document is nested too deeply',
      });
      return null;
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return target ? this.read(target as Node, depth + 1) : null;
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
    if (isScalar(node)) return this.scalar(node.value, here);
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
