// The notebook's cells on the Y.Doc, laid out exactly as JupyterLab's YNotebook (jupyter_ydoc)
// does, so the hub (pycrdt) and any Jupyter client read them the same way:
//   cells: Y.Array<Y.Map{ id, cell_type, source: Y.Text, metadata: Y.Map,
//                         outputs: Y.Array<Y.Map> (code), execution_count, execution_state }>
// Every structural change goes through here, in one transaction with CELL_OPS as origin, so the
// notebook's undo manager can undo exactly these.

import * as Y from 'yjs';

export type CellType = 'code' | 'markdown' | 'raw';

/** The transaction origin of cell operations (tracked by the notebook's undo manager). */
export const CELL_OPS = Symbol('cell operations');

export interface CellData {
  id?: string;
  cell_type: CellType;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: Record<string, unknown>[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

export const cellsOf = (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>('cells');
export const metaOf = (doc: Y.Doc) => doc.getMap<unknown>('meta');

export function newCellId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

/** Outputs as Y.Maps; stream text as Y.Text (the hub appends stream chunks into it). */
export function createYOutputs(outputs: Record<string, unknown>[]): Y.Map<unknown>[] {
  return outputs.map((output) => {
    const entries = Object.entries(output).map(([key, value]): [string, unknown] => {
      if (key === 'text' && output.output_type === 'stream') {
        return [key, new Y.Text(Array.isArray(value) ? value.join('') : String(value ?? ''))];
      }
      return [key, value];
    });
    return new Y.Map(entries);
  });
}

/** A new cell as YNotebook.create_ycell makes it. */
export function createYCell(cell: CellData): Y.Map<unknown> {
  const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
  const entries: [string, unknown][] = [
    ['id', cell.id ?? newCellId()],
    ['cell_type', cell.cell_type],
    ['source', new Y.Text(source)],
    ['metadata', new Y.Map(Object.entries(cell.metadata ?? {}))],
  ];
  if (cell.cell_type === 'code') {
    entries.push(['outputs', new Y.Array<Y.Map<unknown>>()]);
    entries.push(['execution_count', cell.execution_count ?? null]);
    entries.push(['execution_state', 'idle']);
  } else if (cell.attachments && Object.keys(cell.attachments).length) {
    entries.push(['attachments', cell.attachments]);
  }
  const ycell = new Y.Map<unknown>(entries);
  if (cell.cell_type === 'code' && cell.outputs?.length) {
    (ycell.get('outputs') as Y.Array<Y.Map<unknown>>).push(createYOutputs(cell.outputs));
  }
  return ycell;
}

/** A cell as nbformat JSON (what copy, move and export work from). */
export function cellToJSON(ycell: Y.Map<unknown>): CellData {
  const json = ycell.toJSON() as Record<string, unknown>;
  delete json.execution_state;
  return json as unknown as CellData;
}

export const cellId = (ycell: Y.Map<unknown>) => String(ycell.get('id') ?? '');
export const cellType = (ycell: Y.Map<unknown>) => (ycell.get('cell_type') as CellType) ?? 'code';
export const cellSource = (ycell: Y.Map<unknown>) => ycell.get('source') as Y.Text;

export function indexOfCell(doc: Y.Doc, id: string): number {
  const cells = cellsOf(doc);
  for (let i = 0; i < cells.length; i++) if (cellId(cells.get(i)) === id) return i;
  return -1;
}

export function insertCell(doc: Y.Doc, index: number, cell: CellData): string {
  const ycell = createYCell(cell);
  doc.transact(() => cellsOf(doc).insert(index, [ycell]), CELL_OPS);
  return cellId(ycell);
}

export function insertCells(doc: Y.Doc, index: number, cells: CellData[]): string[] {
  const ycells = cells.map(createYCell);
  doc.transact(() => cellsOf(doc).insert(index, ycells), CELL_OPS);
  return ycells.map(cellId);
}

export function deleteCell(doc: Y.Doc, index: number): void {
  doc.transact(() => cellsOf(doc).delete(index, 1), CELL_OPS);
}

/** Moves a cell by delete + insert of a copy with the same id (Yjs arrays have no move). */
export function moveCell(doc: Y.Doc, from: number, to: number): void {
  const cells = cellsOf(doc);
  if (from === to || from < 0 || to < 0 || from >= cells.length || to >= cells.length) return;
  doc.transact(() => {
    const copy = createYCell(cellToJSON(cells.get(from)));
    cells.delete(from, 1);
    cells.insert(to, [copy]);
  }, CELL_OPS);
}

/** Code <-> markdown: a new cell of the other type with the same id and source. */
export function changeCellType(doc: Y.Doc, index: number, type: CellType): void {
  const cells = cellsOf(doc);
  const old = cells.get(index);
  if (!old || cellType(old) === type) return;
  const data = cellToJSON(old);
  const metadata = { ...(data.metadata ?? {}) };
  delete metadata.execution;
  doc.transact(() => {
    cells.delete(index, 1);
    cells.insert(index, [createYCell({ id: data.id, cell_type: type, source: data.source, metadata })]);
  }, CELL_OPS);
}

/** Replaces a Y.Text's content with the fewest changes: keeps the common start and end. */
export function replaceText(ytext: Y.Text, next: string): void {
  const current = ytext.toString();
  if (current === next) return;
  let start = 0;
  const max = Math.min(current.length, next.length);
  while (start < max && current[start] === next[start]) start++;
  let end = 0;
  while (
    end < max - start &&
    current[current.length - 1 - end] === next[next.length - 1 - end]
  ) {
    end++;
  }
  const apply = () => {
    ytext.delete(start, current.length - start - end);
    ytext.insert(start, next.slice(start, next.length - end));
  };
  if (ytext.doc) ytext.doc.transact(apply);
  else apply();
}

/** Sets (or, with undefined, removes) one key of a cell's metadata. */
export function setCellMetadata(ycell: Y.Map<unknown>, key: string, value: unknown): void {
  const doc = ycell.doc;
  const apply = () => {
    let meta = ycell.get('metadata');
    if (!(meta instanceof Y.Map)) {
      meta = new Y.Map();
      ycell.set('metadata', meta);
    }
    const map = meta as Y.Map<unknown>;
    if (value === undefined) {
      if (map.has(key)) map.delete(key);
    } else if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) {
      map.set(key, value);
    }
  };
  if (doc) doc.transact(apply);
  else apply();
}

/** The notebook's metadata (meta.metadata) as plain JSON. */
export function notebookMetadata(doc: Y.Doc): Record<string, unknown> {
  const metadata = metaOf(doc).get('metadata');
  if (metadata instanceof Y.Map) return metadata.toJSON() as Record<string, unknown>;
  return metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {};
}

/** Sets (or, with undefined, removes) one key of the notebook's metadata (as the hub does). */
export function setNotebookMetadata(doc: Y.Doc, key: string, value: unknown): void {
  doc.transact(() => {
    const meta = metaOf(doc);
    let metadata = meta.get('metadata');
    if (!(metadata instanceof Y.Map)) {
      const plain = metadata && typeof metadata === 'object' ? Object.entries(metadata as Record<string, unknown>) : [];
      metadata = new Y.Map<unknown>(plain);
      meta.set('metadata', metadata);
    }
    const map = metadata as Y.Map<unknown>;
    if (value === undefined) {
      if (map.has(key)) map.delete(key);
    } else if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) {
      map.set(key, value);
    }
  });
}
