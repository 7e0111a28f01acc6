// Reads a code cell's Colab form: `#@title`, `#@markdown` and `name = value #@param ...` lines.
// Pure and total: a line it cannot read is code, never an exception.
// Offsets are absolute in the source, so a field can be rewritten without touching other bytes.

import {
  findCommentStart,
  isPyInt,
  isPyNumber,
  parsePyString,
  SpecReader,
  type PyString,
  type SpecValue,
} from './literal';

export type DisplayMode = 'form' | 'both' | 'code';

export interface TitleOptions {
  /** `display-mode`: "form" hides the code, "code" hides the form, "both" (or null) shows both. */
  displayMode: DisplayMode | null;
  /** `run: "auto"`: run the cell after every change of a field. */
  runAuto: boolean;
  /** `vertical-output: true`: the output goes below the form, not beside it. */
  verticalOutput: boolean;
  /** `form-width`, as a CSS length (`50%`, `300px`), or null when absent or not a length. */
  formWidth: string | null;
}

export interface FormTitle {
  /** The title's text (may hold inline markdown; leading `#` heading marks removed). */
  text: string;
  line: number;
  options: TitleOptions;
}

export type FieldKind =
  | 'string'
  | 'number'
  | 'integer'
  | 'slider'
  | 'boolean'
  | 'date'
  | 'raw'
  | 'dropdown';

export interface DropdownOption {
  /** What the list shows (a string's content, or a number/word as written). */
  label: string;
  /** The option as written in the list. */
  text: string;
  /** Whether the list writes it as a quoted string. */
  isString: boolean;
}

export interface FormField {
  kind: FieldKind;
  /** The variable name, as written (also the control's accessible name). */
  name: string;
  /** Identifies the field across re-parses: the name and which occurrence of it (`x#0`). */
  key: string;
  /** 0-based line number. */
  line: number;
  /** Absolute offsets of the value's text in the source (end exclusive). */
  valueStart: number;
  valueEnd: number;
  /** The value as written in the code (`'abc'`, `3.5`, `True`, `np.pi`). */
  valueText: string;
  /** What the control shows: a string's content, a number as written, `True`/`False`, raw text. */
  value: string;
  /** For boolean fields: whether the value is `True`. */
  checked: boolean;
  /** The quote style new string values are written in. */
  quote: '"' | "'";
  /** The string prefix in use (`r`, `u`, ...), kept when rewriting. */
  stringPrefix: string;
  /** Dropdown options (empty for other kinds). */
  options: DropdownOption[];
  /** Dropdown with `{allow-input: true}`: free text with suggestions. */
  allowInput: boolean;
  /** Dropdown with `{type: "raw"}`: options are written verbatim, not quoted. */
  rawOptions: boolean;
  /** Slider bounds (numbers for sliders, null otherwise). */
  min: number | null;
  max: number | null;
  step: number | null;
  /** `placeholder` option of text fields. */
  placeholder: string | null;
}

export type FormItem = { type: 'markdown'; text: string; line: number } | { type: 'field'; field: FormField };

export interface ParsedForm {
  title: FormTitle | null;
  /** Markdown blocks and fields, in source order. */
  items: FormItem[];
  fields: FormField[];
}

interface SourceLine {
  text: string;
  /** Absolute offset of the line's first character. */
  start: number;
}

/** The source's lines without their `\n` / `\r\n` ends, with their offsets. */
function splitLines(source: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  for (;;) {
    const nl = source.indexOf('\n', start);
    const end = nl < 0 ? source.length : nl;
    let text = source.slice(start, end);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    lines.push({ text, start });
    if (nl < 0) return lines;
    start = nl + 1;
  }
}

const TITLE_RE = /^\s*#\s*@title\b(.*)$/;
const MARKDOWN_RE = /^\s*#\s*@markdown(?:\s|$)(.*)$/;
const PARAM_COMMENT_RE = /^#\s*@param\b/;
// `name =`, `obj.attr =`, or `name: annotation =` at the line's start (not `==`).
const ASSIGN_RE = /^(\s*)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?::[^=#]*)?=(?!=)/;

const CSS_LENGTH_RE = /^(\d+(?:\.\d+)?)(%|px|em|rem|vw|ch)?$/;

function readTitle(rest: string, line: number): FormTitle {
  const options: TitleOptions = { displayMode: null, runAuto: false, verticalOutput: false, formWidth: null };
  let text = rest.trim();
  // The options object ends the line; the first `{` from which the rest reads as one object starts it.
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
    const reader = new SpecReader(text.slice(i));
    const obj = reader.object();
    if (!obj || !reader.atEnd()) continue;
    const mode = String(obj.get('display-mode')?.value ?? '').toLowerCase();
    if (mode === 'form' || mode === 'both' || mode === 'code') options.displayMode = mode;
    options.runAuto = String(obj.get('run')?.value ?? '').toLowerCase() === 'auto';
    const vertical = obj.get('vertical-output')?.value;
    options.verticalOutput = vertical === true || String(vertical).toLowerCase() === 'true';
    const width = String(obj.get('form-width')?.value ?? '').trim();
    const m = CSS_LENGTH_RE.exec(width);
    if (m) options.formWidth = m[2] ? width : `${width}px`;
    text = text.slice(0, i).trim();
    break;
  }
  // `#@title ## Heading` is a markdown heading: the heading marks are not part of the text.
  text = text.replace(/^#{1,6}\s+/, '');
  return { text, line, options };
}

interface ParamSpec {
  list: SpecValue[] | null;
  options: Map<string, SpecValue>;
}

/** Reads what follows `@param`: an optional list and an optional options object, in any order. */
function readParamSpec(spec: string): ParamSpec | null {
  const reader = new SpecReader(spec);
  let list: SpecValue[] | null = null;
  let options: Map<string, SpecValue> | null = null;
  for (let round = 0; round < 2; round++) {
    const c = reader.peek();
    if (c === '[' && !list) {
      list = reader.list();
      if (!list) return null;
    } else if (c === '{' && !options) {
      options = reader.object();
      if (!options) return null;
    }
  }
  // Anything after the spec must be a further comment.
  const rest = reader.peek();
  if (rest !== '' && rest !== '#') return null;
  return { list, options: options ?? new Map() };
}

function inferKind(valueText: string): FieldKind {
  if (parsePyString(valueText)) return 'string';
  if (valueText === 'True' || valueText === 'False') return 'boolean';
  if (isPyInt(valueText)) return 'integer';
  if (isPyNumber(valueText)) return 'number';
  return 'raw';
}

const KNOWN_TYPES: FieldKind[] = ['string', 'number', 'integer', 'slider', 'boolean', 'date', 'raw'];

function numberOption(options: Map<string, SpecValue>, key: string): number | null {
  const v = options.get(key)?.value;
  const n = typeof v === 'number' ? v : typeof v === 'string' && isPyNumber(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

type ParsedParam = Omit<FormField, 'key' | 'quote'> & { ownQuote: '"' | "'" | null };

function readParam(line: SourceLine, lineNo: number): ParsedParam | null {
  const assign = ASSIGN_RE.exec(line.text);
  if (!assign) return null;
  const afterEq = assign[0].length;
  const hash = findCommentStart(line.text, afterEq);
  if (hash < 0) return null;
  const comment = line.text.slice(hash);
  const pm = PARAM_COMMENT_RE.exec(comment);
  if (!pm) return null;
  const spec = readParamSpec(comment.slice(pm[0].length));
  if (!spec) return null;

  const between = line.text.slice(afterEq, hash);
  const lead = between.length - between.trimStart().length;
  const valueText = between.trim();
  const valueStart = line.start + afterEq + lead;
  const valueEnd = valueStart + valueText.length;

  const typeOpt = spec.options.get('type')?.value;
  const type = typeof typeOpt === 'string' ? (typeOpt.toLowerCase() as FieldKind) : null;
  let kind: FieldKind;
  if (spec.list) kind = 'dropdown';
  else if (type && KNOWN_TYPES.includes(type)) kind = type;
  else kind = inferKind(valueText);

  const str: PyString | null = parsePyString(valueText);
  const rawOptions = kind === 'dropdown' && type === 'raw';
  let value: string;
  if (kind === 'raw' || rawOptions || !str) value = valueText;
  else value = str.value;

  const options: DropdownOption[] = (spec.list ?? []).map((v) => ({
    label: v.isString ? String(v.value) : v.text,
    text: v.text,
    isString: v.isString,
  }));
  const allowInput = spec.options.get('allow-input')?.value;
  const placeholder = spec.options.get('placeholder');

  let min: number | null = null;
  let max: number | null = null;
  let step: number | null = null;
  if (kind === 'slider') {
    min = numberOption(spec.options, 'min') ?? 0;
    max = numberOption(spec.options, 'max') ?? 100;
    step = numberOption(spec.options, 'step') ?? 1;
    if (step <= 0) step = 1;
  }

  return {
    kind,
    name: assign[2],
    line: lineNo,
    valueStart,
    valueEnd,
    valueText,
    value,
    checked: valueText === 'True',
    ownQuote: str ? str.quote : null,
    stringPrefix: str ? str.prefix : '',
    options,
    allowInput: kind === 'dropdown' && (allowInput === true || String(allowInput).toLowerCase() === 'true'),
    rawOptions,
    min,
    max,
    step,
    placeholder: placeholder ? String(placeholder.value ?? '') : null,
  };
}

/** Reads the form of a code cell. A source with no form gives no title and no items. */
export function parseForm(source: string): ParsedForm {
  // Most cells have no form: skip the line-by-line reading.
  if (!source.includes('@')) return { title: null, items: [], fields: [] };
  let title: FormTitle | null = null;
  const items: FormItem[] = [];
  const params: ParsedParam[] = [];
  const lines = splitLines(source);
  lines.forEach((line, lineNo) => {
    const t = TITLE_RE.exec(line.text);
    if (t) {
      if (!title) title = readTitle(t[1], lineNo);
      return;
    }
    const md = MARKDOWN_RE.exec(line.text);
    if (md) {
      // One space after `@markdown` separates it from the text; more is markdown's indentation.
      const text = md[1];
      const last = items[items.length - 1];
      if (last && last.type === 'markdown' && last.line + countLines(last.text) === lineNo) {
        last.text += '\n' + text;
      } else {
        items.push({ type: 'markdown', text, line: lineNo });
      }
      return;
    }
    const p = readParam(line, lineNo);
    if (p) params.push(p);
  });

  // New strings are written in the quote style the cell already uses.
  const cellQuote =
    params.find((p) => p.ownQuote)?.ownQuote ??
    params.flatMap((p) => p.options).map(optionQuote).find((q) => q) ??
    '"';
  const seen = new Map<string, number>();
  const fields: FormField[] = params.map(({ ownQuote, ...p }) => {
    const n = seen.get(p.name) ?? 0;
    seen.set(p.name, n + 1);
    const listQuote = p.options.map(optionQuote).find((q) => q);
    const quote = ownQuote ?? listQuote ?? cellQuote;
    return { ...p, key: `${p.name}#${n}`, quote };
  });
  // Fields and markdown in line order.
  for (const field of fields) items.push({ type: 'field', field });
  items.sort((a, b) => itemLine(a) - itemLine(b));
  return { title, items, fields };
}

function optionQuote(option: DropdownOption): '"' | "'" | null {
  return option.isString ? (parsePyString(option.text)?.quote ?? null) : null;
}

function countLines(text: string): number {
  return text.split('\n').length;
}

function itemLine(item: FormItem): number {
  return item.type === 'field' ? item.field.line : item.line;
}

/** Whether this code has a Colab form at all (a `#@title`, `#@markdown` or any `#@param`). */
export function hasForm(source: string): boolean {
  const form = parseForm(source);
  return form.title !== null || form.items.length > 0;
}

/** The title's options (`run`, `display-mode`, `vertical-output`, `form-width`), or null without a title. */
export function formOptions(source: string): TitleOptions | null {
  return parseForm(source).title?.options ?? null;
}

/** Whether the title asks to hide the code behind "Show code" (`display-mode: "form"`). */
export function formHidesCode(source: string): boolean {
  return parseForm(source).title?.options.displayMode === 'form';
}
