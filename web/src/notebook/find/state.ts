// Find and replace over the whole notebook: the query and its options, every match in the
// cells' sources (the Y texts) and, when asked, in their outputs' text, the current match, and
// replacing (Replace all is one transaction with origin CELL_OPS: one step of the notebook's undo).

import { batch, effect, signal } from '@preact/signals';
import * as Y from 'yjs';
import { CELL_OPS, cellId, cellSource, cellType } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';
import { outlineOf } from '../toc/folding';
import { buildPattern, findAll, type FindOptions, replacementFor } from './search';

export const FIND_PANEL = 'find';

export interface Match {
  cellId: string;
  cellIndex: number;
  /** In the cell's source, or in its outputs' text. */
  where: 'source' | 'output';
  from: number;
  to: number;
  /** The match's position among the cell's matches of the same `where` (0-based). */
  ordinal: number;
}

const MAX_MATCHES = 10_000;

/** Notebook order: by cell, the source before the outputs, then by offset. */
function compare(a: Pick<Match, 'cellIndex' | 'where' | 'from'>, b: Pick<Match, 'cellIndex' | 'where' | 'from'>): number {
  if (a.cellIndex !== b.cellIndex) return a.cellIndex - b.cellIndex;
  if (a.where !== b.where) return a.where === 'source' ? -1 : 1;
  return a.from - b.from;
}

const joinText = (value: unknown): string =>
  value instanceof Y.Text ? value.toString() : Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';

/** The text of a code cell's outputs that find looks in (stream text, text/plain, text/markdown,
 * errors' name and value), one output after another: frames and HTML are not searched. */
export function outputsText(ycell: Y.Map<unknown>): string {
  const outputs = ycell.get('outputs');
  if (!(outputs instanceof Y.Array)) return '';
  const parts: string[] = [];
  for (const output of outputs.toArray() as unknown[]) {
    const get = (key: string) => (output instanceof Y.Map ? output.get(key) : (output as Record<string, unknown>)?.[key]);
    const type = get('output_type');
    if (type === 'stream') parts.push(joinText(get('text')));
    else if (type === 'error') parts.push(`${joinText(get('ename'))}: ${joinText(get('evalue'))}`);
    else {
      let data = get('data');
      if (data instanceof Y.Map) data = data.toJSON();
      const bundle = (data ?? {}) as Record<string, unknown>;
      for (const mime of ['text/plain', 'text/markdown']) if (mime in bundle) parts.push(joinText(bundle[mime]));
    }
  }
  return parts.join('\n');
}

export class FindState {
  readonly query = signal('');
  readonly replacement = signal('');
  readonly matchCase = signal(false);
  readonly wholeWord = signal(false);
  readonly regex = signal(false);
  readonly inOutputs = signal(false);
  readonly matches = signal<Match[]>([]);
  readonly error = signal<string | null>(null);
  /** The current match (index in `matches`), -1 for none. */
  readonly current = signal(-1);
  /** Bumped each time find goes to a match: the editors and rendered cells scroll to it once. */
  readonly scrollNonce = signal(0);
  /** Put the keyboard focus into the find or the replace field (Ctrl+F, Ctrl+H). */
  readonly focusField = signal<{ field: 'find' | 'replace'; nonce: number } | null>(null);
  /** What the last replace did, for screen readers. */
  readonly announcement = signal('');
  private timer = 0;
  private nonce = 0;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly session: NotebookSession) {
    const onCells = () => {
      if (!this.active()) return;
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.recompute(false), 150);
    };
    session.cells.observeDeep(onCells);
    this.disposers.push(() => session.cells.unobserveDeep(onCells));
    // A new query or option: search again and go to the first match from the selected cell.
    this.disposers.push(
      effect(() => {
        void [this.query.value, this.matchCase.value, this.wholeWord.value, this.regex.value, this.inOutputs.value];
        void session.panels.left.value;
        queueMicrotask(() => this.recompute(true));
      }),
    );
  }

  destroy(): void {
    window.clearTimeout(this.timer);
    for (const dispose of this.disposers) dispose();
  }

  /** Searching only while the panel is open (and there is a query). */
  active(): boolean {
    return this.session.panels.left.peek() === FIND_PANEL && this.query.peek() !== '';
  }

  options(): FindOptions {
    return { matchCase: this.matchCase.peek(), wholeWord: this.wholeWord.peek(), regex: this.regex.peek() };
  }

  /** The pattern now (null when there is nothing to find or the expression is invalid). */
  pattern(): RegExp | null {
    if (this.session.panels.left.peek() !== FIND_PANEL) return null;
    return buildPattern(this.query.peek(), this.options()).re;
  }

  /** Finds every match again. `fresh`: the query changed, so go to the first match at or after
   * the selected cell; otherwise keep the current match where it was. */
  recompute(fresh: boolean): void {
    const previous = this.matches.peek()[this.current.peek()] ?? null;
    const query = this.query.peek();
    const open = this.session.panels.left.peek() === FIND_PANEL;
    const pattern = open ? buildPattern(query, this.options()) : { re: null, error: null };
    const matches: Match[] = [];
    if (pattern.re) {
      const re = pattern.re;
      const cells = this.session.cells;
      const outputs = this.inOutputs.peek();
      for (let index = 0; index < cells.length && matches.length < MAX_MATCHES; index++) {
        const ycell = cells.get(index);
        const id = cellId(ycell);
        const source = cellSource(ycell);
        const text = source instanceof Y.Text ? source.toString() : '';
        findAll(text, re, MAX_MATCHES - matches.length).forEach((range, ordinal) =>
          matches.push({ cellId: id, cellIndex: index, where: 'source', ...range, ordinal }),
        );
        if (outputs && cellType(ycell) === 'code') {
          findAll(outputsText(ycell), re, MAX_MATCHES - matches.length).forEach((range, ordinal) =>
            matches.push({ cellId: id, cellIndex: index, where: 'output', ...range, ordinal }),
          );
        }
      }
    }
    let current = -1;
    if (matches.length) {
      if (fresh || !previous) {
        const selected = this.session.selected.peek();
        const from = selected ? Math.max(0, this.session.indexOf(selected)) : 0;
        current = Math.max(0, matches.findIndex((m) => m.cellIndex >= from));
      } else {
        current = matches.findIndex((m) => compare(m, previous) >= 0);
        if (current < 0) current = 0;
      }
    }
    batch(() => {
      this.error.value = pattern.error;
      this.matches.value = matches;
      this.current.value = current;
      if (fresh && current >= 0) this.scrollNonce.value++;
    });
    if (fresh && current >= 0) this.show(current);
  }

  /** Goes to match `index` (wrapping): unfolds its section, selects its cell, scrolls to it. */
  goTo(index: number): void {
    const count = this.matches.peek().length;
    if (!count) return;
    const at = ((index % count) + count) % count;
    batch(() => {
      this.current.value = at;
      this.scrollNonce.value++;
    });
    this.show(at);
  }

  next(): void {
    this.goTo(this.current.peek() + 1);
  }

  previous(): void {
    this.goTo(this.current.peek() - 1);
  }

  private show(index: number): void {
    const match = this.matches.peek()[index];
    if (!match) return;
    // A folded section that hides the match opens; its cell is selected (not focused: the
    // keyboard stays in the find field). The editor or the rendered cell scrolls to the match.
    outlineOf(this.session).reveal(match.cellId);
    this.session.select(match.cellId);
  }

  /** Replaces the current match (in a cell's source) and goes to the next one. */
  replaceCurrent(): void {
    const match = this.matches.peek()[this.current.peek()];
    const re = this.pattern();
    if (!match || match.where !== 'source' || !re) return;
    const ycell = this.session.cellAt(this.session.indexOf(match.cellId));
    const text = ycell ? cellSource(ycell) : null;
    if (!(text instanceof Y.Text)) return;
    const value = text.toString();
    const by = replacementFor(value, match, re, this.replacement.peek(), this.regex.peek());
    this.session.doc.transact(() => {
      text.delete(match.from, match.to - match.from);
      text.insert(match.from, by);
    }, CELL_OPS);
    this.announcement.value = 'Replaced 1';
    // The next match: the first after the replaced text.
    this.recompute(false);
    const matches = this.matches.peek();
    const next = matches.findIndex((m) => compare(m, { ...match, from: match.from + by.length }) >= 0);
    if (matches.length) this.goTo(next < 0 ? 0 : next);
  }

  /** Replaces every match in the cells' sources, as ONE undo step. Returns how many. */
  replaceAll(): number {
    const re = this.pattern();
    if (!re) return 0;
    this.recompute(false);
    const byCell = new Map<string, Match[]>();
    for (const match of this.matches.peek()) {
      if (match.where !== 'source') continue;
      const list = byCell.get(match.cellId) ?? [];
      list.push(match);
      byCell.set(match.cellId, list);
    }
    let count = 0;
    const replacement = this.replacement.peek();
    const regex = this.regex.peek();
    this.session.doc.transact(() => {
      for (const [id, list] of byCell) {
        const ycell = this.session.cellAt(this.session.indexOf(id));
        const text = ycell ? cellSource(ycell) : null;
        if (!(text instanceof Y.Text)) continue;
        const value = text.toString();
        for (const match of [...list].reverse()) {
          const by = replacementFor(value, match, re, replacement, regex);
          text.delete(match.from, match.to - match.from);
          text.insert(match.from, by);
          count++;
        }
      }
    }, CELL_OPS);
    this.announcement.value = count === 1 ? 'Replaced 1 match' : `Replaced ${count} matches`;
    this.recompute(false);
    return count;
  }

  /** Opens the panel with the keyboard focus in the find (or replace) field; a selection of one
   * line in the active editor becomes the query. */
  open(field: 'find' | 'replace', selected: string | null): void {
    if (selected && !selected.includes('\n')) this.query.value = selected;
    this.session.panels.open(FIND_PANEL);
    this.focusField.value = { field, nonce: ++this.nonce };
  }
}

const states = new WeakMap<NotebookSession, FindState>();

/** The find state of `session` (made on first use). */
export function findOf(session: NotebookSession): FindState {
  let state = states.get(session);
  if (!state) {
    state = new FindState(session);
    states.set(session, state);
  }
  return state;
}
