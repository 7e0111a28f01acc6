// Find and replace's matching: the pattern (plain text or a regular expression, match case,
// whole word), every match in a text, and a replacement's $1/$&/$<name> references.

export interface FindOptions {
  matchCase: boolean;
  wholeWord: boolean;
  regex: boolean;
}

export type Pattern = { re: RegExp; error: null } | { re: null; error: string | null };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The query as a global RegExp; `error` says why a regular expression is not valid. */
export function buildPattern(query: string, options: FindOptions): Pattern {
  if (!query) return { re: null, error: null };
  let source = options.regex ? query : escape(query);
  if (options.wholeWord) source = `(?<![\\p{L}\\p{N}_])(?:${source})(?![\\p{L}\\p{N}_])`;
  const flags = `gmu${options.matchCase ? '' : 'i'}`;
  try {
    return { re: new RegExp(source, flags), error: null };
  } catch (error) {
    try {
      // Some patterns are valid only without the u flag (e.g. "\-"); whole words then use \w.
      let loose = options.regex ? query : escape(query);
      if (options.wholeWord) loose = `(?<!\\w)(?:${loose})(?!\\w)`;
      return { re: new RegExp(loose, `gm${options.matchCase ? '' : 'i'}`), error: null };
    } catch {
      const message = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
      return { re: null, error: `Not a valid regular expression: ${message}` };
    }
  }
}

export interface Range {
  from: number;
  to: number;
}

/** Every non-empty match of `re` in `text` (at most `limit`). */
export function findAll(text: string, re: RegExp, limit = 10_000): Range[] {
  const out: Range[] = [];
  re.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (out.length < limit && (match = re.exec(text)) !== null) {
    if (match[0].length === 0) {
      re.lastIndex = match.index + 1;
      continue;
    }
    out.push({ from: match.index, to: match.index + match[0].length });
  }
  return out;
}

/** The text that replaces the match of `re` at `from` in `text`: with a regular expression,
 * $& (the match), $1..$99 (groups), $<name> and $$ are expanded, as String.replace does. */
export function replacementFor(text: string, range: Range, re: RegExp, replacement: string, regex: boolean): string {
  if (!regex) return replacement;
  const sticky = new RegExp(re.source, re.flags.replace('g', '') + 'y');
  sticky.lastIndex = range.from;
  const match = sticky.exec(text);
  if (!match) return replacement;
  return replacement.replace(/\$(\$|&|\d{1,2}|<([^>]*)>)/g, (whole, token: string, name: string | undefined) => {
    if (token === '$') return '$';
    if (token === '&') return match[0];
    if (name !== undefined) return match.groups?.[name] ?? '';
    const group = Number(token);
    return group > 0 && group < match.length ? match[group] ?? '' : whole;
  });
}
