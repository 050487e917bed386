// Where JSON text first goes wrong. Node 20's JSON.parse names the token but not its position, and a user fixing a
// megabyte export needs the line: this scanner walks the text once (iteratively, so deep nesting cannot overflow
// the stack) and returns the offset of the first character that cannot continue valid JSON.

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON forbids raw control characters in strings, so the class names them.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Offset of the first syntax error of `text`, or -1 when it is one valid JSON value. */
export function jsonErrorOffset(text: string): number {
  // Expectation stack: 'value' | 'key' | 'colon' | 'comma-object' | 'comma-array'.
  const stack: string[] = ['end', 'value'];
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.has(text[i])) i += 1;
  };
  const match = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  for (;;) {
    skip();
    const want = stack.pop();
    const c = text[i];
    if (want === 'end') return i < text.length ? i : -1;
    if (c === undefined) return i;
    if (want === 'value' || want === 'value-or-close') {
      if (want === 'value-or-close' && c === ']') {
        stack.pop(); // the array's comma expectation: it is closed
        i += 1;
        continue;
      }
      if (c === '{') {
        i += 1;
        stack.push('key-or-close');
      } else if (c === '[') {
        i += 1;
        stack.push('comma-array', 'value-or-close');
      } else if (c === '"') {
        if (!match(STRING)) return i;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else if (!match(NUMBER)) return i;
      continue;
    }
    if (want === 'key' || want === 'key-or-close') {
      if (want === 'key-or-close' && c === '}') {
        i += 1;
        continue;
      }
      if (c !== '"' || !match(STRING)) return i;
      stack.push('comma-object', 'value', 'colon');
      continue;
    }
    if (want === 'colon') {
      if (c !== ':') return i;
      i += 1;
      continue;
    }
    if (want === 'comma-object' || want === 'comma-array') {
      const close = want === 'comma-object' ? '}' : ']';
      if (c === close) {
        i += 1;
        continue;
      }
      if (c !== ',') return i;
      i += 1;
      // A key brings its own comma expectation; an array value needs the array's back.
      if (want === 'comma-object') stack.push('key');
      else stack.push('comma-array', 'value');
      continue;
    }
    return i;
  }
}
