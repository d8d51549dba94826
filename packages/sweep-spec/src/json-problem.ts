/**
 * A scanner for the JSON grammar (RFC 8259) that finds the first problem and where it is.
 * It exists because V8's JSON.parse often names no position ("Unexpected token 'o', ... is not
 * valid JSON"), and because JSON.parse silently keeps the last of two equal keys, which in a
 * sweep would quietly drop an axis the user wrote. It builds no values: JSON.parse does that.
 */
export interface JsonProblem {
  kind: 'syntax' | 'duplicate-key';
  offset: number;
  message: string;
}

type Frame = { kind: 'array' } | { kind: 'object'; keys: Set<string> };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
const LITERALS = ['true', 'false', 'null'];

export function findJsonProblem(text: string): JsonProblem | undefined {
  const stack: Frame[] = [];
  let i = 0;
  // Iterative, not recursive: a megabyte of "[" must not overflow the call stack.
  for (;;) {
    i = skipWhitespace(text, i);
    const c = text[i];
    if (c === '[' || c === '{') {
      i = skipWhitespace(text, i + 1);
      if (text[i] === (c === '[' ? ']' : '}')) i++;
      else if (c === '[') {
        stack.push({ kind: 'array' });
        continue;
      } else {
        const keys = new Set<string>();
        stack.push({ kind: 'object', keys });
        const next = memberStart(text, i, keys);
        if (typeof next !== 'number') return next;
        i = next;
        continue;
      }
    } else {
      const end = scalarEnd(text, i);
      if (typeof end !== 'number') return end;
      i = end;
    }
    // A value is complete: close what it completes, then expect the next value.
    for (;;) {
      i = skipWhitespace(text, i);
      const frame = stack.at(-1);
      if (frame === undefined) {
        return i === text.length ? undefined : syntax(i, 'unexpected text after the JSON value');
      }
      const close = frame.kind === 'array' ? ']' : '}';
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ',') return syntax(i, `expected ',' or '${close}', found ${found(text, i)}`);
      i = skipWhitespace(text, i + 1);
      if (frame.kind === 'object') {
        const next = memberStart(text, i, frame.keys);
        if (typeof next !== 'number') return next;
        i = next;
      }
      break;
    }
  }
}

/** Reads `"key" :` at i; returns the offset after the colon. */
function memberStart(text: string, i: number, keys: Set<string>): number | JsonProblem {
  if (text[i] !== '"') return syntax(i, `expected a double-quoted key, found ${found(text, i)}`);
  const end = stringEnd(text, i);
  if (typeof end !== 'number') return end;
  const key = JSON.parse(text.slice(i, end)) as string;
  if (keys.has(key)) {
    return { kind: 'duplicate-key', offset: i, message: `duplicate key ${JSON.stringify(key)}` };
  }
  keys.add(key);
  const colon = skipWhitespace(text, end);
  if (text[colon] !== ':') return syntax(colon, `expected ':', found ${found(text, colon)}`);
  return colon + 1;
}

function scalarEnd(text: string, i: number): number | JsonProblem {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    NUMBER.lastIndex = i;
    return NUMBER.test(text) ? NUMBER.lastIndex : syntax(i, 'malformed number');
  }
  const literal = LITERALS.find((l) => text.startsWith(l, i));
  if (literal !== undefined) return i + literal.length;
  return syntax(i, `expected a value, found ${found(text, i)}`);
}

function stringEnd(text: string, start: number): number | JsonProblem {
  let i = start + 1;
  for (;;) {
    const code = text.charCodeAt(i);
    if (Number.isNaN(code)) return syntax(start, 'unterminated string');
    if (code === 0x22) return i + 1;
    if (code < 0x20) return syntax(i, 'control character in string (escape it)');
    if (code === 0x5c) {
      ESCAPE.lastIndex = i;
      if (!ESCAPE.test(text)) return syntax(i, 'invalid escape sequence in string');
      i = ESCAPE.lastIndex;
    } else i++;
  }
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  return i;
}

function found(text: string, i: number): string {
  return i >= text.length ? 'end of input' : JSON.stringify(text.charAt(i));
}

function syntax(offset: number, message: string): JsonProblem {
  return { kind: 'syntax', offset, message };
}
