// Small scanners for the two literal languages a Colab form line mixes:
// Python (the value after `=`) and Colab's JSON-like param specs (`["a", 1] {type:"slider", min:0}`).
// Every function here is total: it reports "could not read" instead of throwing.

/** Where a string literal that starts at `i` ends (index after its closing quote), or -1. */
export function scanStringEnd(text: string, i: number): number {
  const quote = text[i];
  if (quote !== '"' && quote !== "'") return -1;
  const triple = text.startsWith(quote.repeat(3), i);
  const close = triple ? quote.repeat(3) : quote;
  let j = i + close.length;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (text.startsWith(close, j)) return j + close.length;
    if (!triple && c === '\n') return -1;
    j += 1;
  }
  return -1;
}

/**
 * The index of the `#` that starts the comment of a line of Python, or -1.
 * `#` inside string literals is not a comment. Returns -2 when a string never closes
 * (the line cannot be read as one line of code).
 */
export function findCommentStart(line: string, from = 0): number {
  let j = from;
  while (j < line.length) {
    const c = line[j];
    if (c === '#') return j;
    if (c === '"' || c === "'") {
      const end = scanStringEnd(line, j);
      if (end < 0) return -2;
      j = end;
      continue;
    }
    j += 1;
  }
  return -1;
}

export interface PyString {
  /** Prefix letters such as r, u, b, f (as written). */
  prefix: string;
  /** The quote character (' or "). */
  quote: '"' | "'";
  /** Whether it is written with three quotes. */
  triple: boolean;
  /** The string's value (escapes decoded, unless raw). */
  value: string;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

function decodeEscapes(body: string): string {
  let out = '';
  for (let j = 0; j < body.length; j++) {
    const c = body[j];
    if (c !== '\\' || j + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[j + 1];
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      j += 1;
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = body.slice(j + 2, j + 2 + hexLen);
    if (hexLen && hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
      const code = parseInt(hex, 16);
      if (code <= 0x10ffff) {
        out += String.fromCodePoint(code);
        j += 1 + hexLen;
        continue;
      }
    }
    if (e === '\n') {
      // A backslash at the end of a line continues the string.
      j += 1;
      continue;
    }
    // Python keeps unknown escapes as written.
    out += c;
  }
  return out;
}

/** Reads `text` as exactly one Python string literal, or null. */
export function parsePyString(text: string): PyString | null {
  const m = /^([rRuUbBfF]{0,2})(['"])/.exec(text);
  if (!m) return null;
  const start = m[1].length;
  const end = scanStringEnd(text, start);
  if (end !== text.length) return null;
  const quote = m[2] as '"' | "'";
  const triple = text.startsWith(quote.repeat(3), start) && text.length - start >= 6;
  const q = triple ? 3 : 1;
  const body = text.slice(start + q, text.length - q);
  const raw = /[rR]/.test(m[1]);
  return { prefix: m[1], quote, triple, value: raw ? body : decodeEscapes(body) };
}

const PY_NUMBER = /^[-+]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][-+]?\d(?:_?\d)*)?$/;
const PY_INT = /^[-+]?\d(?:_?\d)*$/;

/** Whether `text` is a Python int or float literal (with an optional sign). */
export function isPyNumber(text: string): boolean {
  return PY_NUMBER.test(text.trim());
}

/** Whether `text` is a Python int literal (with an optional sign). */
export function isPyInt(text: string): boolean {
  return PY_INT.test(text.trim());
}

/** Writes `value` as a Python string literal in the given quote style (prefix kept when it can be). */
export function pyString(value: string, quote: '"' | "'" = '"', prefix = ''): string {
  const isRaw = /[rR]/.test(prefix);
  if (isRaw) {
    const fitsRaw =
      !value.includes(quote) && !/[\n\r]/.test(value) && !/(^|[^\\])(\\\\)*\\$/.test(value);
    if (fitsRaw) return `${prefix}${quote}${value}${quote}`;
    prefix = prefix.replace(/[rR]/g, '');
  }
  let body = '';
  for (const ch of value) {
    if (ch === '\\') body += '\\\\';
    else if (ch === quote) body += '\\' + quote;
    else if (ch === '\n') body += '\\n';
    else if (ch === '\r') body += '\\r';
    else if (ch === '\t') body += '\\t';
    else if (ch < ' ' || ch === '\x7f') body += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    else body += ch;
  }
  return `${prefix}${quote}${body}${quote}`;
}

// ---- Colab's param spec: a list `[...]` and an options object `{...}` ----

/** One value read from a spec: its source text, and what it means. */
export interface SpecValue {
  /** The text as written (`"a"`, `3`, `foo`). */
  text: string;
  /** The decoded value: the string's content, a number, a boolean, or a bare word. */
  value: string | number | boolean | null;
  /** Whether it was written as a quoted string. */
  isString: boolean;
  /** The quote used when it is a string. */
  quote?: '"' | "'";
}

export class SpecReader {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos += 1;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  atEnd(): boolean {
    return this.peek() === '';
  }

  /** A string, number, boolean or bare word; null if there is none here. */
  value(): SpecValue | null {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '"' || c === "'") {
      const end = scanStringEnd(this.text, this.pos);
      if (end < 0) return null;
      const text = this.text.slice(this.pos, end);
      const s = parsePyString(text);
      if (!s) return null;
      this.pos = end;
      return { text, value: s.value, isString: true, quote: s.quote };
    }
    const m = /^[^\s,:[\]{}'"]+/.exec(this.text.slice(this.pos));
    if (!m) return null;
    const text = m[0];
    this.pos += text.length;
    if (isPyNumber(text)) return { text, value: Number(text.replace(/_/g, '')), isString: false };
    if (text === 'true' || text === 'True') return { text, value: true, isString: false };
    if (text === 'false' || text === 'False') return { text, value: false, isString: false };
    if (text === 'null' || text === 'None') return { text, value: null, isString: false };
    return { text, value: text, isString: false };
  }

  /** `[v, v, ...]`, or null when it is not well formed. */
  list(): SpecValue[] | null {
    if (this.peek() !== '[') return null;
    this.pos += 1;
    const items: SpecValue[] = [];
    if (this.peek() === ']') {
      this.pos += 1;
      return items;
    }
    for (;;) {
      const v = this.value();
      if (!v) return null;
      items.push(v);
      const c = this.peek();
      this.pos += 1;
      if (c === ']') return items;
      if (c !== ',') return null;
      if (this.peek() === ']') {
        this.pos += 1;
        return items;
      }
    }
  }

  /** `{key: v, ...}` (keys bare or quoted, hyphens allowed), or null when it is not well formed. */
  object(): Map<string, SpecValue> | null {
    if (this.peek() !== '{') return null;
    this.pos += 1;
    const out = new Map<string, SpecValue>();
    if (this.peek() === '}') {
      this.pos += 1;
      return out;
    }
    for (;;) {
      const key = this.value();
      if (!key || this.peek() !== ':') return null;
      this.pos += 1;
      const v = this.value();
      if (!v) return null;
      out.set(String(key.value).toLowerCase(), v);
      const c = this.peek();
      this.pos += 1;
      if (c === '}') return out;
      if (c !== ',') return null;
      if (this.peek() === '}') {
        this.pos += 1;
        return out;
      }
    }
  }
}
