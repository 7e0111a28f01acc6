// When is an output too long to show whole, and which head and tail lines to show instead.
// The browser lays out a few thousand lines instantly; hundreds of thousands freeze it.

export const MAX_LINES = 5000;
export const MAX_CHARS = 1_000_000;
/** Lines kept at each end when cut. */
export const HEAD_LINES = 1000;
export const TAIL_LINES = 1000;
/** Characters kept at each end when cut (one huge line must not defeat the cut). */
export const END_CHARS = 200_000;

export interface Cut {
  /** Show lines [0, headEnd) ... */
  headEnd: number;
  /** ... then lines [tailStart, total), where `total` counts the current line too. */
  tailStart: number;
  /** Lines not shown. */
  hidden: number;
}

/** Whether text of this size is cut in the view. */
export function isTooLong(lineCount: number, chars: number): boolean {
  return lineCount > MAX_LINES || chars > MAX_CHARS;
}

/** Which lines to show of a long text. `lengthOf(i)` is the length of line i. */
export function planCut(total: number, lengthOf: (index: number) => number): Cut {
  let headEnd = 0;
  let used = 0;
  while (headEnd < total && headEnd < HEAD_LINES && used < END_CHARS) used += lengthOf(headEnd++) + 1;
  let tailStart = total;
  used = 0;
  while (tailStart > headEnd && total - tailStart < TAIL_LINES && used < END_CHARS) used += lengthOf(--tailStart) + 1;
  return { headEnd, tailStart, hidden: tailStart - headEnd };
}

/** A line clipped for the cut view, so that one 50 MB line cannot freeze the page. */
export function clipLine(line: string): string {
  return line.length > END_CHARS ? `${line.slice(0, END_CHARS)}…` : line;
}
