import { isAlias, isMap, isScalar, isSeq, type Alias, type CST, type Node } from 'yaml';
import { MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH, MAX_YAML_ALIASES } from '../contracts/limits.js';

/** Why a document is refused before it is parsed, and at which character offset. */
export interface Refusal {
  readonly offset: number;
  readonly message: string;
  /** Over a limit (size, depth), rather than not YAML at all. */
  readonly limit: boolean;
}

// YAML 1.2 allows tab, line feed and carriage return among the C0 controls; any other one means binary data.
// eslint-disable-next-line no-control-regex
const forbiddenControl = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Refuses text that is too large or not text at all, before the YAML parser sees it. */
export function refuseText(text: string): Refusal | undefined {
  // Characters never outnumber UTF-8 bytes, so counting bytes is needed only near the limit.
  const bytes = text.length * 3 <= MAX_DOCUMENT_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    return {
      offset: 0,
      message: `the document is larger than ${MAX_DOCUMENT_BYTES} bytes (the limit for one scenario or config file)`,
      limit: true,
    };
  }
  const control = forbiddenControl.exec(text);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return {
      offset: control.index,
      message: `the document contains the control character U+${code}: it is not YAML text (a binary file?)`,
      limit: false,
    };
  }
  return deepFlowOrCompact(text);
}

const tooDeepMessage = `the document is nested more than ${MAX_NESTING_DEPTH} levels deep (the limit)`;

const isBlank = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/**
 * A linear scan for the two ways of nesting deeply in few bytes: flow brackets (`[[[[`, `{a: {a: `) and compact
 * block indicators on one line (`- - - -`, `? ? ?`). The YAML lexer and parser slow down with nesting depth (seconds
 * for 100,000 levels), so these are refused before they run. Quoted scalars and comments are skipped; brackets in
 * plain text can only over-count, and the exact depth is checked again on the parsed tokens.
 */
function deepFlowOrCompact(text: string): Refusal | undefined {
  let flow = 0;
  let compact = 0;
  let lineHead = true;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const previous = index === 0 ? 0x0a : text.charCodeAt(index - 1);
    switch (code) {
      case 0x0a: // line feed
        lineHead = true;
        compact = 0;
        continue;
      case 0x23: // '#': a comment when it starts a token
        if (isBlank(previous)) {
          const end = text.indexOf('\n', index);
          index = (end === -1 ? text.length : end) - 1;
        }
        continue;
      case 0x22: // '"'
      case 0x27: // "'"
        if (isBlank(previous) || previous === 0x5b || previous === 0x7b || previous === 0x2c) {
          index = endOfQuoted(text, index, code);
          lineHead = false;
        }
        continue;
      case 0x5b: // '['
      case 0x7b: // '{'
        flow += 1;
        lineHead = false;
        if (flow > MAX_NESTING_DEPTH) return { offset: index, message: tooDeepMessage, limit: true };
        continue;
      case 0x5d: // ']'
      case 0x7d: // '}'
        flow = Math.max(0, flow - 1);
        lineHead = false;
        continue;
      case 0x2d: // '-'
      case 0x3f: // '?'
        if (lineHead && (index + 1 === text.length || isBlank(text.charCodeAt(index + 1)))) {
          compact += 1;
          if (compact > MAX_NESTING_DEPTH) return { offset: index, message: tooDeepMessage, limit: true };
        } else lineHead = false;
        continue;
      default:
        if (!isBlank(code)) lineHead = false;
    }
  }
  return undefined;
}

/** Index of the quote that closes the quoted scalar opened at `start` (`\"` and `''` are escapes). */
function endOfQuoted(text: string, start: number, quote: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (quote === 0x22 && code === 0x5c) index += 1;
    else if (code === quote) {
      if (quote === 0x27 && text.charCodeAt(index + 1) === 0x27) index += 1;
      else return index;
    }
  }
  return text.length;
}

type Token = CST.Token;

function childrenOf(token: Token): (Token | null | undefined)[] {
  switch (token.type) {
    case 'document':
      return [token.value];
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      return token.items.flatMap((item) => [item.key, item.value]);
    default:
      return [];
  }
}

const nests = (token: Token): boolean =>
  token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';

/**
 * The first collection nested deeper than the limit, found on the parser's tokens without recursion: the YAML
 * composer recurses once per level and must never be handed a document deep enough to exhaust the stack.
 */
export function tooDeep(tokens: readonly Token[]): Refusal | undefined {
  const stack: { token: Token; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    const here = nests(token) ? depth + 1 : depth;
    if (here > MAX_NESTING_DEPTH) {
      return {
        offset: token.offset,
        message: tooDeepMessage,
        limit: true,
      };
    }
    for (const child of childrenOf(token)) if (child) stack.push({ token: child, depth: here });
  }
  return undefined;
}

/** What each alias of a document points at, and the first alias over the limit on their number. */
export interface Anchors {
  readonly targets: ReadonlyMap<Alias, Node>;
  readonly unresolved: readonly Alias[];
  readonly overLimit: Alias | undefined;
}

/**
 * Resolves every alias in one pass in document order (the yaml library's `Alias.resolve` walks the whole document
 * for each alias). An anchor counts from the end of its node on, so an alias inside the node it names (a cycle)
 * is unresolved instead of expanding forever.
 */
export function resolveAnchors(root: Node | null): Anchors {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const unresolved: Alias[] = [];
  let count = 0;
  let overLimit: Alias | undefined;
  const stack: { node: Node; leaving: boolean }[] = root ? [{ node: root, leaving: false }] : [];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop()!;
    if (leaving) {
      if (node.anchor) anchors.set(node.anchor, node);
      continue;
    }
    if (isAlias(node)) {
      count += 1;
      if (count > MAX_YAML_ALIASES && overLimit === undefined) overLimit = node;
      const target = anchors.get(node.source);
      if (target) targets.set(node, target);
      else unresolved.push(node);
      continue;
    }
    stack.push({ node, leaving: true });
    const children: (Node | null)[] = [];
    if (isMap(node)) for (const pair of node.items) children.push(pair.key as Node | null, pair.value as Node | null);
    else if (isSeq(node)) for (const item of node.items) children.push(item as Node | null);
    for (let index = children.length - 1; index >= 0; index -= 1) {
      const child = children[index];
      if (child && (isMap(child) || isSeq(child) || isScalar(child) || isAlias(child))) {
        stack.push({ node: child, leaving: false });
      }
    }
  }
  return { targets, unresolved, overLimit };
}
