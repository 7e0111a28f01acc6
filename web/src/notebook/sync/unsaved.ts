// This page's edits the hub has not written to disk yet, by cell, so that they survive the hub
// loading the notebook afresh (a restart): the page's old document cannot be merged into the new
// load (every cell would be there twice), so the page opens the hub's document and re-applies
// only these edits to the cells with the same ids.
//
// Each local transaction is remembered with this client's clock after it; the hub's save status
// carries the state vector it wrote to disk, and every edit up to that clock is forgotten.

import * as Y from 'yjs';
import { type CellData, cellId, cellsOf, cellToJSON, cellType, createYCell, replaceText } from '../model/cells';

interface Edit {
  /** This client's clock after the transaction. */
  clock: number;
  cells: Set<string>;
  deleted: string[];
}

/** What a page carries from its old document into a fresh one. */
export interface CarriedEdits {
  /** Cells this page changed or added, as they are in its old document, in its order. */
  cells: Array<{ cell: CellData; after: string | null }>;
  /** Cells this page deleted. */
  deleted: string[];
}

export class UnsavedEdits {
  private edits: Edit[] = [];
  private ids: string[];
  private readonly cells: Y.Array<Y.Map<unknown>>;

  constructor(
    private readonly doc: Y.Doc,
    /** Transactions with this origin came from the hub: not this page's edits. */
    private readonly remote: unknown,
  ) {
    this.cells = cellsOf(doc);
    this.ids = this.cells.map(cellId);
    doc.on('afterTransaction', this.onTransaction);
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.onTransaction);
  }

  get count(): number {
    return this.edits.length;
  }

  /** The hub wrote the document with this state vector: what it holds of ours is safe. */
  saved(state: Record<string, number>): void {
    const clock = state[String(this.doc.clientID)] ?? 0;
    this.edits = this.edits.filter((edit) => edit.clock > clock);
  }

  carry(): CarriedEdits | null {
    if (!this.edits.length) return null;
    const touched = new Set<string>();
    const deleted = new Set<string>();
    for (const edit of this.edits) {
      edit.cells.forEach((id) => touched.add(id));
      edit.deleted.forEach((id) => deleted.add(id));
    }
    const cells: CarriedEdits['cells'] = [];
    let after: string | null = null;
    for (const ycell of this.cells) {
      const id = cellId(ycell);
      deleted.delete(id);
      if (touched.has(id)) cells.push({ cell: cellToJSON(ycell), after });
      after = id;
    }
    return { cells, deleted: [...deleted] };
  }

  private onTransaction = (tr: Y.Transaction) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const structure = tr.changed.has(this.cells as unknown as Y.AbstractType<Y.YEvent<any>>);
    const before = this.ids;
    if (structure) this.ids = this.cells.map(cellId);
    if (tr.origin === this.remote || !tr.local) return;
    const touched = new Set<string>();
    for (const type of tr.changed.keys()) {
      const id = this.cellOf(type);
      if (id) touched.add(id);
    }
    let deleted: string[] = [];
    if (structure) {
      const now = new Set(this.ids);
      deleted = before.filter((id) => !now.has(id));
      const had = new Set(before);
      // Inserted cells (and moved ones: a move is a delete and an insert of the same id).
      for (const event of tr.changedParentTypes.get(this.cells as never) ?? []) {
        for (const item of event.changes.added) {
          const content = item.content.getContent()[0];
          if (content instanceof Y.Map) touched.add(cellId(content));
        }
      }
      for (const id of this.ids) if (!had.has(id)) touched.add(id);
    }
    if (!touched.size && !deleted.length) return;
    this.edits.push({ clock: Y.getState(this.doc.store, this.doc.clientID), cells: touched, deleted });
  };

  /** The id of the cell a changed type is in, if it is in one. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private cellOf(type: Y.AbstractType<any>): string | null {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let current: Y.AbstractType<any> | null = type;
    while (current && current._item) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const parent = current._item.parent as Y.AbstractType<any> | null;
      if (parent === (this.cells as unknown)) return current instanceof Y.Map ? cellId(current) : null;
      current = parent;
    }
    return null;
  }
}

/** Re-applies a page's carried edits to a freshly loaded document (as this page's own edits). */
export function reapply(doc: Y.Doc, carried: CarriedEdits): void {
  const cells = cellsOf(doc);
  const indexOf = (id: string) => cells.toArray().findIndex((ycell) => cellId(ycell) === id);
  doc.transact(() => {
    for (const id of carried.deleted) {
      const index = indexOf(id);
      if (index >= 0) cells.delete(index, 1);
    }
    for (const { cell, after } of carried.cells) {
      const id = cell.id ?? '';
      const index = indexOf(id);
      const existing = index >= 0 ? cells.get(index) : null;
      if (existing && cellType(existing) === cell.cell_type) {
        const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
        const text = existing.get('source');
        if (text instanceof Y.Text && text.toString() !== source) replaceText(text, source);
        continue;
      }
      if (existing) cells.delete(index, 1);
      const previous = after === null ? -1 : indexOf(after);
      const at = after === null ? 0 : previous >= 0 ? previous + 1 : cells.length;
      cells.insert(at, [createYCell({ ...cell, outputs: [], execution_count: null })]);
    }
  });
}
