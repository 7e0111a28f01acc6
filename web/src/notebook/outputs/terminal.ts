// A tiny terminal for output text: it turns a stream's raw characters into the lines a
// terminal would show. `\n` ends a line, `\r` moves back to the start of the line and `\b` one
// column left, so what follows overwrites (tqdm-style progress bars redraw in place), and
// `ESC[K` erases to the end of the line. ANSI colour sequences are kept for ansi_up and take no
// column. Text is fed incrementally: a stream that grows by a few bytes costs a few bytes of work.

const ESC = '\x1b';

/** The finished lines plus the line being written, as a terminal would show them. */
export class TerminalLines {
  /** Lines ended by `\n`, without it. */
  readonly lines: string[] = [];
  /** Characters in `lines` (for size limits). */
  chars = 0;
  /** The current line while the cursor is at its end (the fast, common case). */
  private plain = '';
  /** The current line as columns (each a visible character with the escapes before it) once a
   * `\r` or `\b` moved the cursor; null in plain mode. */
  private cells: string[] | null = null;
  private col = 0;
  /** Escape sequences that wait for the next visible character (cell mode). */
  private pendingEscapes = '';
  /** A `\r`/ESC split across two writes. */
  private carry = '';

  /** The line the cursor is on (not yet ended by `\n`). */
  get current(): string {
    return this.cells ? this.cells.join('') + this.pendingEscapes : this.plain;
  }

  /** Every line as one string, `\n`-joined (tests, copying). */
  toString(): string {
    const current = this.current;
    return this.lines.join('\n') + (this.lines.length ? '\n' : '') + current;
  }

  write(text: string): void {
    if (this.carry) {
      text = this.carry + text;
      this.carry = '';
    }
    // An escape sequence cut at the end waits for the rest.
    const lastEsc = text.lastIndexOf(ESC);
    if (lastEsc >= 0 && lastEsc > text.length - 32 && !isCompleteEscape(text, lastEsc)) {
      this.carry = text.slice(lastEsc);
      text = text.slice(0, lastEsc);
    }
    let start = 0;
    const special = /[\n\r\b]/g;
    for (let match = special.exec(text); match; match = special.exec(text)) {
      if (match.index > start) this.put(text.slice(start, match.index));
      start = match.index + 1;
      const ch = match[0];
      if (ch === '\n') this.endLine();
      else if (ch === '\r') {
        if (text[start] === '\n') continue; // "\r\n" is a line end (Windows)
        this.toCells();
        this.col = 0;
      } else {
        this.toCells();
        this.col = Math.max(0, this.col - 1);
      }
    }
    if (start < text.length) this.put(start === 0 ? text : text.slice(start));
  }

  private endLine(): void {
    const line = this.current;
    this.lines.push(line);
    this.chars += line.length + 1;
    this.plain = '';
    this.cells = null;
    this.col = 0;
    this.pendingEscapes = '';
  }

  private toCells(): void {
    if (this.cells) return;
    this.cells = [];
    this.col = 0;
    this.pendingEscapes = '';
    this.putCells(this.plain);
    this.plain = '';
  }

  /** Writes text with no `\n`, `\r` or `\b` at the cursor. */
  private put(text: string): void {
    if (!this.cells) {
      this.plain += text;
      return;
    }
    this.putCells(text);
  }

  private putCells(text: string): void {
    const cells = this.cells!;
    let i = 0;
    while (i < text.length) {
      if (text[i] === ESC) {
        const end = escapeEnd(text, i);
        const sequence = text.slice(i, end);
        i = end;
        // eslint-disable-next-line no-control-regex -- ESC starts the terminal's control sequences
        if (/^\x1b\[[0-2]?K$/.test(sequence)) {
          // Erase in line: 0 (default) to the end, 1 to the start, 2 the whole line.
          const mode = sequence.length === 3 ? '0' : sequence[2];
          if (mode === '0') cells.length = Math.min(cells.length, this.col);
          else if (mode === '1') cells.fill(' ', 0, Math.min(cells.length, this.col + 1));
          else cells.length = 0;
          continue;
        }
        this.pendingEscapes += sequence;
        continue;
      }
      const code = text.charCodeAt(i);
      const width = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
      const cell = this.pendingEscapes + text.slice(i, i + width);
      this.pendingEscapes = '';
      i += width;
      while (cells.length < this.col) cells.push(' ');
      cells[this.col] = cell;
      this.col += 1;
    }
  }
}

/** Where the escape sequence starting at `i` ends (CSI `ESC[...X`, OSC `ESC]...BEL|ESC\`, or a
 * two-character escape). */
function escapeEnd(text: string, i: number): number {
  const kind = text[i + 1];
  if (kind === '[') {
    let j = i + 2;
    while (j < text.length && !(text.charCodeAt(j) >= 0x40 && text.charCodeAt(j) <= 0x7e)) j++;
    return Math.min(j + 1, text.length);
  }
  if (kind === ']') {
    const bell = text.indexOf('\x07', i);
    const st = text.indexOf('\x1b\\', i + 2);
    const ends = [bell >= 0 ? bell + 1 : -1, st >= 0 ? st + 2 : -1].filter((n) => n > 0);
    return ends.length ? Math.min(...ends) : text.length;
  }
  return Math.min(i + 2, text.length);
}

function isCompleteEscape(text: string, i: number): boolean {
  if (i + 1 >= text.length) return false;
  const kind = text[i + 1];
  if (kind === '[') {
    for (let j = i + 2; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c >= 0x40 && c <= 0x7e) return true;
    }
    return false;
  }
  if (kind === ']') return text.indexOf('\x07', i) >= 0 || text.indexOf('\x1b\\', i + 2) >= 0;
  return true;
}

/** Follows a text that usually grows by appending: feeds only the new part to the terminal, and
 * starts over when the text was replaced. */
export class GrowingText {
  terminal = new TerminalLines();
  private seen = '';
  /** Bumps whenever the terminal was rebuilt (the view must redraw from scratch). */
  generation = 0;

  update(text: string): void {
    if (text === this.seen) return;
    if (text.length > this.seen.length && text.startsWith(this.seen)) {
      this.terminal.write(text.slice(this.seen.length));
    } else {
      this.terminal = new TerminalLines();
      this.terminal.write(text);
      this.generation += 1;
    }
    this.seen = text;
  }
}
