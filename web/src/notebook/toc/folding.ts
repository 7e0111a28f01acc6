// The notebook's outline (its markdown headings, live from the Y doc) and section folding.
// A markdown cell with a heading opens a section (its level: the cell's highest heading); the
// section runs to the next cell whose level is the same or higher. A folded section hides its
// cells. Folds are saved as Colab saves them, in `metadata.colab.collapsed_sections` (the heading
// cells' Colab ids: cell metadata.id, else the cell id), so every page and Colab see them; a
// JupyterLab fold (the heading cell's `metadata.heading_collapsed: true`) is read too.

import { effect, signal } from '@preact/signals';
import * as Y from 'yjs';
import { cellId, cellSource, cellType, metaOf, notebookMetadata, setCellMetadata, setNotebookMetadata } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';
import { type HeadingLine, headingsOf } from './headings';

export interface Heading {
  cellId: string;
  /** The cell's position in the notebook. */
  index: number;
  level: number;
  title: string;
  /** The first heading of the cell at its section level (the one that folds the section). */
  opensSection: boolean;
}

export interface Folds {
  /** Cell id -> section level, for cells that open a section. */
  sections: ReadonlyMap<string, number>;
  /** Heading cell ids that are folded. */
  collapsed: ReadonlySet<string>;
  /** Cells hidden by a fold. */
  hidden: ReadonlySet<string>;
  /** Folded heading cell id -> how many cells its fold hides. */
  hiddenCount: ReadonlyMap<string, number>;
}

const EMPTY: Folds = { sections: new Map(), collapsed: new Set(), hidden: new Set(), hiddenCount: new Map() };

/** A cell's id as Colab knows it (collapsed_sections holds these). */
export function colabIdOf(ycell: Y.Map<unknown>): string {
  const meta = ycell.get('metadata');
  const id = meta instanceof Y.Map ? meta.get('id') : undefined;
  return typeof id === 'string' && id ? id : cellId(ycell);
}

function colabMeta(doc: Y.Doc): Record<string, unknown> {
  const colab = notebookMetadata(doc).colab;
  return colab && typeof colab === 'object' && !Array.isArray(colab) ? (colab as Record<string, unknown>) : {};
}

function savedCollapsed(doc: Y.Doc): string[] {
  const list = colabMeta(doc).collapsed_sections;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

function jupyterCollapsed(ycell: Y.Map<unknown>): boolean {
  const meta = ycell.get('metadata');
  return meta instanceof Y.Map && meta.get('heading_collapsed') === true;
}

export class Outline {
  readonly headings = signal<Heading[]>([]);
  readonly folds = signal<Folds>(EMPTY);
  private readonly parsed = new WeakMap<Y.Text, HeadingLine[]>();
  private scheduled = false;
  private headingsKey = '';
  private foldsKey = '';
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly session: NotebookSession) {
    const onCells = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
      for (const event of events) if (event.target instanceof Y.Text) this.parsed.delete(event.target);
      this.schedule();
    };
    const onMeta = () => this.schedule();
    session.cells.observeDeep(onCells);
    const meta = metaOf(session.doc);
    meta.observeDeep(onMeta);
    this.disposers.push(
      () => session.cells.unobserveDeep(onCells),
      () => meta.unobserveDeep(onMeta),
    );
    this.compute();
    // A hidden cell that is selected or asked for focus (find, Shift+Enter, a new cell, the
    // table of contents) shows: its folded sections open.
    this.disposers.push(
      effect(() => {
        const id = session.focus.value?.id ?? null;
        const selected = session.selected.value;
        queueMicrotask(() => {
          if (id) this.reveal(id);
          if (selected) this.reveal(selected);
        });
      }),
    );
  }

  destroy(): void {
    for (const dispose of this.disposers) dispose();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.compute();
    });
  }

  private headingLines(ycell: Y.Map<unknown>): HeadingLine[] {
    if (cellType(ycell) !== 'markdown') return [];
    const text = cellSource(ycell);
    if (!(text instanceof Y.Text)) return [];
    let lines = this.parsed.get(text);
    if (!lines) {
      lines = headingsOf(text.toString());
      this.parsed.set(text, lines);
    }
    return lines;
  }

  /** Recomputes now (the observers batch changes to once per microtask). */
  compute(): void {
    const cells = this.session.cells;
    const saved = new Set(savedCollapsed(this.session.doc));
    const headings: Heading[] = [];
    const sections = new Map<string, number>();
    const collapsed = new Set<string>();
    const hidden = new Set<string>();
    const hiddenCount = new Map<string, number>();
    let owner: string | null = null;
    let ownerLevel = 7;
    for (let index = 0; index < cells.length; index++) {
      const ycell = cells.get(index);
      const id = cellId(ycell);
      const lines = this.headingLines(ycell);
      let level: number | null = null;
      if (lines.length) {
        level = Math.min(...lines.map((line) => line.level));
        sections.set(id, level);
        let opened = false;
        for (const line of lines) {
          const opens = !opened && line.level === level;
          if (opens) opened = true;
          headings.push({ cellId: id, index, level: line.level, title: line.title, opensSection: opens });
        }
        if (saved.has(colabIdOf(ycell)) || jupyterCollapsed(ycell)) collapsed.add(id);
      }
      if (owner && level !== null && level <= ownerLevel) owner = null;
      if (owner) {
        hidden.add(id);
        hiddenCount.set(owner, (hiddenCount.get(owner) ?? 0) + 1);
        continue;
      }
      if (level !== null && collapsed.has(id)) {
        owner = id;
        ownerLevel = level;
        hiddenCount.set(id, 0);
      }
    }
    const headingsKey = headings.map((h) => `${h.cellId}\u0000${h.index}\u0000${h.level}\u0000${h.title}`).join('\u0001');
    if (headingsKey !== this.headingsKey) {
      this.headingsKey = headingsKey;
      this.headings.value = headings;
    }
    const foldsKey = [
      [...sections].join(','),
      [...collapsed].join(','),
      [...hiddenCount].join(','),
    ].join('|');
    if (foldsKey !== this.foldsKey) {
      this.foldsKey = foldsKey;
      this.folds.value = { sections, collapsed, hidden, hiddenCount };
    }
  }

  /** The cells of the section that `id` opens: the heading cell and every cell up to the next
   * heading of the same or a higher level (subsections included). */
  sectionCells(id: string): string[] {
    const cells = this.session.cells;
    const start = this.session.indexOf(id);
    const level = this.folds.value.sections.get(id);
    if (start < 0 || level === undefined) return start < 0 ? [] : [id];
    const ids = [id];
    for (let index = start + 1; index < cells.length; index++) {
      const other = cellId(cells.get(index));
      const otherLevel = this.folds.value.sections.get(other);
      if (otherLevel !== undefined && otherLevel <= level) break;
      ids.push(other);
    }
    return ids;
  }

  isCollapsed(id: string): boolean {
    return this.folds.value.collapsed.has(id);
  }

  /** Folds or unfolds the section of heading cell `id`, in the notebook (every page sees it). */
  setCollapsed(id: string, fold: boolean): void {
    const doc = this.session.doc;
    const ycell = this.session.cellAt(this.session.indexOf(id));
    if (!ycell) return;
    const key = colabIdOf(ycell);
    doc.transact(() => {
      const colab = colabMeta(doc);
      const list = savedCollapsed(doc).filter((x) => x !== key && x !== id);
      if (fold) list.push(key);
      setNotebookMetadata(doc, 'colab', { ...colab, collapsed_sections: list });
      if (!fold && jupyterCollapsed(ycell)) setCellMetadata(ycell, 'heading_collapsed', undefined);
    });
    this.compute();
  }

  toggle(id: string): void {
    this.setCollapsed(id, !this.isCollapsed(id));
  }

  /** Unfolds every folded section that hides cell `id`. */
  reveal(id: string): void {
    const { hidden, sections, collapsed } = this.folds.value;
    if (!hidden.has(id)) return;
    const cells = this.session.cells;
    const at = this.session.indexOf(id);
    let bound = sections.get(id) ?? 7;
    const open: string[] = [];
    for (let index = at - 1; index >= 0 && bound > 1; index--) {
      const other = cellId(cells.get(index));
      const level = sections.get(other);
      if (level === undefined || level >= bound) continue;
      bound = level;
      if (collapsed.has(other)) open.push(other);
    }
    if (!open.length) return;
    this.session.doc.transact(() => {
      for (const other of open) this.setCollapsed(other, false);
    });
  }

  /** Runs the cells of the section that `id` opens. */
  runSection(id: string): void {
    void this.session.run(this.sectionCells(id));
  }
}

const outlines = new WeakMap<NotebookSession, Outline>();

/** The outline of `session`'s notebook (made on first use, kept as long as the session). */
export function outlineOf(session: NotebookSession): Outline {
  let outline = outlines.get(session);
  if (!outline) {
    outline = new Outline(session);
    outlines.set(session, outline);
  }
  return outline;
}

/** The cells to render: those no folded section hides (with their positions in the notebook). */
export function visibleCells(session: NotebookSession, cells: Y.Map<unknown>[]): { ycell: Y.Map<unknown>; index: number }[] {
  const { hidden } = outlineOf(session).folds.value;
  const out: { ycell: Y.Map<unknown>; index: number }[] = [];
  cells.forEach((ycell, index) => {
    if (!hidden.size || !hidden.has(cellId(ycell))) out.push({ ycell, index });
  });
  return out;
}
