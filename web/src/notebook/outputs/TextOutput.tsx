// Text outputs (streams, text/plain, tracebacks) drawn directly into the page. The DOM is
// managed by hand, not by Preact: a stream that grows by one line appends one block instead
// of re-rendering 200,000 lines, and long text shows only its head and tail until asked.

import { AnsiUp } from 'ansi_up';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { clipLine, isTooLong, planCut } from './limits';
import { GrowingText } from './terminal';

/** Lines turned into HTML per task while showing everything, so clicks stay prompt. */
const CHUNK_LINES = 5000;
/** The line height in outputs.css, to size blocks the browser has not laid out yet. */
const LINE_PX = 18;

export type TextKind = 'stdout' | 'stderr' | 'error' | 'result';

/** `showAll`: draw all of it at once, as after "Show all output". */
export function TextOutput({ text, kind, showAll = false }: { text: string; kind: TextKind; showAll?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<TextView | null>(null);
  useLayoutEffect(() => {
    view.current ??= new TextView(host.current!, showAll);
    view.current.update(text);
  }, [text]);
  useEffect(() => () => view.current?.dispose(), []);
  return <div ref={host} class={`output-text output-${kind}`} />;
}

/** Escapes text for HTML as AnsiUp does. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };

/** Text to HTML through `ansi.value`, made at the first escape sequence: most outputs have none,
 * and each AnsiUp builds its palettes (a notebook of 1,000 outputs opens without 3,000 of them). */
function ansiToHtml(ansi: { value: AnsiUp | null }, text: string): string {
  if (ansi.value === null && !text.includes('\x1b')) return escapeHtml(text);
  if (ansi.value === null) {
    ansi.value = new AnsiUp();
    ansi.value.use_classes = true; // the 16 ANSI colors come from the theme (outputs.css)
  }
  return ansi.value.ansi_to_html(text);
}

function block(className: string, html: string, lines = 0): HTMLDivElement {
  const div = document.createElement('div');
  div.className = className;
  div.innerHTML = html;
  // Big blocks off screen are skipped by layout until scrolled to (content-visibility: auto).
  if (lines >= 200) div.style.containIntrinsicBlockSize = `auto ${lines * LINE_PX}px`;
  return div;
}

/** Owns the DOM of one text output. */
class TextView {
  private text = new GrowingText();
  private generation = -1;
  private expanded = false;
  private mode: 'full' | 'cut' | null = null;
  /** Full mode: lines already in `doneBlocks`, and the ansi state after them. */
  private rendered = 0;
  private doneAnsi: { value: AnsiUp | null } = { value: null };
  private doneBlocks: HTMLDivElement | null = null;
  private currentBlock: HTMLDivElement | null = null;
  /** Cut mode: the tail block, redrawn on every change. */
  private tailBlock: HTMLDivElement | null = null;
  private hiddenNote: HTMLSpanElement | null = null;
  private frame = 0;
  private timer = 0;

  constructor(
    private readonly host: HTMLElement,
    expanded: boolean,
  ) {
    this.expanded = expanded;
  }

  update(text: string): void {
    this.text.update(text);
    // Coalesce bursts of updates into one drawing per animation frame, except the first.
    if (this.mode === null) this.draw();
    else if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
  }

  private draw(): void {
    this.frame = 0;
    const terminal = this.text.terminal;
    if (this.text.generation !== this.generation) {
      this.generation = this.text.generation;
      this.mode = null;
    }
    const total = terminal.lines.length + (terminal.current ? 1 : 0);
    const chars = terminal.chars + terminal.current.length;
    const wanted = !this.expanded && isTooLong(total, chars) ? 'cut' : 'full';
    if (wanted !== this.mode) this.reset(wanted);
    if (this.mode === 'cut') this.drawCut();
    else this.drawFull();
  }

  private reset(mode: 'full' | 'cut'): void {
    clearTimeout(this.timer);
    this.timer = 0;
    this.mode = mode;
    this.host.replaceChildren();
    this.rendered = 0;
    this.doneAnsi = { value: null };
    this.doneBlocks = document.createElement('div');
    this.currentBlock = block('output-lines', '');
    this.host.append(this.doneBlocks, this.currentBlock);
    if (mode === 'cut') {
      this.tailBlock = block('output-lines', '');
      const bar = document.createElement('div');
      bar.className = 'output-cut';
      this.hiddenNote = document.createElement('span');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button output-show-all';
      button.textContent = 'Show all output';
      button.setAttribute('aria-label', 'Show all output');
      button.addEventListener('click', () => {
        this.expanded = true;
        this.draw();
      });
      bar.append(this.hiddenNote, button);
      this.currentBlock.replaceWith(bar, this.tailBlock);
      this.currentBlock = null;
    }
  }

  /** Appends the lines finished since the last drawing, a chunk per task, then the current line. */
  private drawFull(): void {
    const terminal = this.text.terminal;
    const lines = terminal.lines;
    if (this.rendered < lines.length) {
      const end = Math.min(lines.length, this.rendered + CHUNK_LINES);
      const html = ansiToHtml(this.doneAnsi, lines.slice(this.rendered, end).join('\n') + '\n');
      // The trailing newline ends the block's last line; the block itself breaks the line.
      this.doneBlocks!.append(block('output-lines', html.replace(/\n$/, ''), end - this.rendered));
      this.rendered = end;
      if (end < lines.length && !this.timer) {
        this.timer = window.setTimeout(() => {
          this.timer = 0;
          if (this.mode === 'full') this.drawFull();
        }, 0);
      }
    }
    const current = terminal.current;
    this.currentBlock!.innerHTML = current ? ansiToHtml({ value: null }, current) : '';
  }

  private drawCut(): void {
    const terminal = this.text.terminal;
    const lines = terminal.lines;
    const total = lines.length + (terminal.current ? 1 : 0);
    const lineAt = (index: number) => (index < lines.length ? lines[index] : terminal.current);
    const cut = planCut(total, (index) => lineAt(index).length);
    if (this.rendered === 0 && cut.headEnd > 0) {
      const head = [];
      for (let i = 0; i < cut.headEnd; i++) head.push(clipLine(lineAt(i)));
      this.doneBlocks!.append(block('output-lines', ansiToHtml(this.doneAnsi, head.join('\n')), cut.headEnd));
      this.rendered = cut.headEnd;
    }
    const tail = [];
    for (let i = Math.max(cut.tailStart, this.rendered); i < total; i++) tail.push(clipLine(lineAt(i)));
    this.tailBlock!.innerHTML = ansiToHtml({ value: null }, tail.join('\n'));
    const hidden = Math.max(0, Math.max(cut.tailStart, this.rendered) - this.rendered);
    this.hiddenNote!.textContent = `… ${hidden.toLocaleString('en')} more lines (${total.toLocaleString('en')} in all) are hidden. `;
  }
}
