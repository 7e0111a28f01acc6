// Pure helpers of the assist feature (completion, docs, variables): no DOM, no CodeMirror
// view, so they are unit-tested (logic.test.ts).

/** The CodeMirror completion `type` (its icon: class names cm-completionIcon-<word>) for an
 * IPython/jedi completion type. CodeMirror draws function, class, namespace, variable, keyword,
 * property, text, ...; path, magic and param get icons of their own in assist.css. */
export function completionIconType(jediType: string | null | undefined): string | undefined {
  switch (jediType) {
    case 'function':
      return 'function';
    case 'class':
      return 'class';
    case 'module':
      return 'namespace';
    case 'instance':
      return 'variable';
    case 'statement':
      return 'variable';
    case 'keyword':
      return 'keyword';
    case 'param':
      return 'param';
    case 'path':
      return 'path';
    case 'magic':
      return 'magic';
    case 'property':
      return 'property';
    case null:
    case undefined:
    case '':
    case '<unknown>':
      return undefined;
    default:
      return 'text';
  }
}

/** What the completion list says the item is (read out with the item too). */
export function completionTypeLabel(jediType: string | null | undefined): string {
  switch (jediType) {
    case 'instance':
    case 'statement':
      return 'variable';
    case 'param':
      return 'parameter';
    case null:
    case undefined:
    case '<unknown>':
      return '';
    default:
      return jediType;
  }
}

const IDENT = /[\p{L}\p{N}_]/u;

/** Tab completes (rather than indents) when the character before the caret is part of a name,
 * a '.', a '/', a quote or '%' (a magic). */
export function tabCompletes(before: string): boolean {
  const last = lastChar(before);
  if (last === '') return false;
  return IDENT.test(last) || last === '.' || last === '/' || last === '"' || last === "'" || last === '%';
}

/** Completion opens by itself while typing after a '.' of an attribute (`np.`, `df.col`,
 * `f(x).`), not after a number's decimal point (`1.5`) nor in `...`. `before` is the line's
 * text before the caret. */
export function completesAsYouType(before: string): boolean {
  const match = /([\p{L}\p{N}_)\]"'])\.[\p{L}\p{N}_]*$/u.exec(before);
  if (!match) return false;
  const head = before.slice(0, match.index + 1);
  // A number before the dot: 1. / 3.14 / 0x1f. (a name ending in digits, x1., still completes)
  const word = /[\p{L}\p{N}_]+$/u.exec(head)?.[0] ?? '';
  return !(word !== '' && /^[0-9]/.test(word));
}

/** The last character (one code point, so an emoji counts as one) of `text`. */
function lastChar(text: string): string {
  if (!text) return '';
  const code = text.charCodeAt(text.length - 1);
  if (code >= 0xdc00 && code <= 0xdfff && text.length >= 2) return text.slice(-2);
  return text.slice(-1);
}

/** The name (dotted: `np.linalg.norm`) around UTF-16 offset `pos` in `text`, as [from, to), or
 * null when `pos` is not on a name. */
export function nameAt(text: string, pos: number): { from: number; to: number } | null {
  const isName = (ch: string) => IDENT.test(ch);
  let to = pos;
  while (to < text.length && isName(text[to])) to++;
  let from = pos;
  while (from > 0 && (isName(text[from - 1]) || (text[from - 1] === '.' && from >= 2 && isName(text[from - 2])))) from--;
  if (from === to) return null;
  const name = text.slice(from, to);
  if (/^[0-9]/.test(name)) return null;
  return { from, to };
}

/** Bytes as people read them: 512 B, 1.5 KB, 23 MB, 1.2 GB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The code and caret to ask docs about for a completion item being chosen: the item put in
 * place of the range it would replace. */
export function withCompletion(code: string, from: number, to: number, label: string): { code: string; cursor: number } {
  return { code: code.slice(0, from) + label + code.slice(to), cursor: from + label.length };
}

/** The mime type a docs bundle is shown as: IPython's text (with its ANSI colors), else
 * Markdown, else sanitized HTML. */
export function docsMime(data: Record<string, unknown>): 'text/html' | 'text/markdown' | 'text/plain' | null {
  for (const mime of ['text/plain', 'text/markdown', 'text/html'] as const) {
    if (typeof data[mime] === 'string' && data[mime] !== '') return mime;
  }
  return null;
}

/** How many characters before the caret the completion `label` replaces: the longest end of
 * `before` that `label` starts with (`np.ar` + `array` -> 2, + `np.array` -> 5). */
export function typedPrefix(before: string, label: string): number {
  for (let k = Math.min(before.length, label.length); k > 0; k--) {
    if (label.startsWith(before.slice(before.length - k))) return k;
  }
  return 0;
}
