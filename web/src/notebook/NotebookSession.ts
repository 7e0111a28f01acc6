// One open notebook in this page: the live Y.Doc and its socket, the runtime events socket,
// which cell is selected, the cell clipboard, undo of cell operations, and the actions the
// toolbar, menus and keyboard shortcuts call.

import { signal } from '@preact/signals';
import * as Y from 'yjs';
import { connectRuntime, documentSocketUrl, executeCells, interruptRuntime, restartRuntime } from '../api/notebooks';
import { signedOutElsewhere } from '../state/session';
import { showError } from '../state/toasts';
import {
  CELL_OPS,
  type CellData,
  type CellType,
  cellId,
  cellsOf,
  cellSource,
  cellToJSON,
  cellType,
  changeCellType,
  deleteCell,
  indexOfCell,
  insertCell,
  insertCells,
  metaOf,
  moveCell,
  setCellMetadata,
} from './model/cells';
import { editorView } from './cells/editorViews';
import { ColabBridge } from './colab/bridge';
import { FilesState } from './files/state';
import { PanelsState } from './panels/state';
import { RuntimeEvents } from './runtime/events';
import { savedWidgetState } from './widgets/protocol';
import { releaseWidgetRegistry, widgetRegistry } from './widgets/registry';
import { DocumentProvider, type ProviderStatus } from './sync/provider';
import type { CarriedEdits } from './sync/unsaved';
import { askToRun } from './trust/TrustPrompt';
import { isNotTrusted, loadTrust, trustOf } from './trust/state';

/** A request to put the keyboard focus into a cell (a new cell, Shift+Enter to the next). */
export interface FocusRequest {
  id: string;
  nonce: number;
  /** 'editor' (default): the caret into the cell's editor; 'cell': the cell as a whole (command mode). */
  target?: 'editor' | 'cell';
}

const CURSOR_COLORS = ['#1a73e8', '#d93025', '#188038', '#e37400', '#9334e6', '#007b83', '#c5221f'];

// The cell clipboard is shared by every notebook open in this page.
let clipboard: CellData[] = [];

export class NotebookSession {
  readonly id: string;
  readonly doc = new Y.Doc();
  readonly provider: DocumentProvider;
  readonly events: RuntimeEvents;
  /** Answers this person's Colab requests (eval_js, files, drive) and output frames' invokeFunction. */
  readonly colab: ColabBridge;
  /** The Files panel and the file viewer (which files.view in a cell opens too). */
  /** The side panels open (contract C3): the rail's left panel and the right panel. */
  readonly panels = new PanelsState();
  readonly files = new FilesState(this.panels);
  readonly undo: Y.UndoManager;
  readonly cells: Y.Array<Y.Map<unknown>>;
  readonly sync = signal<ProviderStatus>({
    state: 'connecting',
    synced: false,
    problem: null,
    save: { state: 'saved', error: null, unsaved: false },
    reload: null,
  });
  /** The selected cell (toolbar actions apply to it): the active one of `selection`. */
  readonly selected = signal<string | null>(null);
  /** The selected cells (ids, in notebook order): Shift+Up/Down selects several. */
  readonly selection = signal<string[]>([]);
  /** Jupyter's modes: 'edit' while typing in a cell's editor, else 'command' (keys act on cells). */
  readonly mode = signal<'command' | 'edit'>('command');
  private anchor: string | null = null;
  readonly focus = signal<FocusRequest | null>(null);
  /** The newest focus request a cell has acted on: a cell remade later (moved, re-typed) takes
   * the focus back without scrolling the page for a second (see Cell's focus effect). */
  focusHandled = 0;
  /** Markdown cells shown as their source for editing. */
  readonly editing = signal<ReadonlySet<string>>(new Set());
  readonly canUndo = signal(false);
  readonly canRedo = signal(false);
  readonly hasClipboard = signal(clipboard.length > 0);
  private nonce = 0;
  private unsubscribe: () => void;
  private unobserveMeta: () => void;

  /** ``carried``: a previous session's unsaved edits, re-applied once this one is synced. */
  constructor(id: string, who: { name: string } | null, carried: CarriedEdits | null = null, afterRejection = false) {
    this.id = id;
    this.cells = cellsOf(this.doc);
    this.provider = new DocumentProvider(documentSocketUrl(id), this.doc, carried, afterRejection);
    this.unsubscribe = this.provider.subscribe((status) => {
      this.sync.value = status;
      // The hub closed the socket 4401: signed out in another tab, by a password change or by
      // an administrator. This page goes to sign-in (and back here afterwards).
      if (status.problem?.kind === 'signed_out') queueMicrotask(signedOutElsewhere);
    });
    const name = who?.name ?? 'Someone';
    const color = CURSOR_COLORS[this.doc.clientID % CURSOR_COLORS.length];
    this.provider.awareness.setLocalStateField('user', { name, color, colorLight: color + '33' });
    this.events = new RuntimeEvents(id);
    this.colab = new ColabBridge(this.events, id, () => void this.interrupt());
    const colab = this.colab;
    this.events.route = {
      files_view: (message) => this.files.handleEvent(message),
      colab_request: (message) => colab.handle(message),
      colab_request_done: (message) => colab.handle(message),
      invoke_function_reply: (message) => colab.handle(message),
      frame_comm: (message) => colab.handle(message),
      shell_stdin: (message) => colab.stdin.handle(message),
      shell_stdin_done: (message) => colab.stdin.handle(message),
    };
    this.events.onClosed = () => this.colab.disconnected();
    this.unobserveMeta = watchSavedWidgets(this.doc, id);
    loadTrust(id).catch(() => {}); // unknown stays "not yet": saved script waits, a run asks the hub
    // Undo covers cell operations made here (insert, delete, move, type); typing has its own
    // undo inside each editor, and the hub's changes (outputs) are never undone.
    this.undo = new Y.UndoManager(this.cells, { trackedOrigins: new Set([CELL_OPS]), captureTimeout: 0 });
    const updateUndo = () => {
      this.canUndo.value = this.undo.canUndo();
      this.canRedo.value = this.undo.canRedo();
    };
    this.undo.on('stack-item-added', updateUndo);
    this.undo.on('stack-item-popped', updateUndo);
    this.undo.on('stack-cleared', updateUndo);
  }

  destroy(): void {
    this.unsubscribe();
    this.unobserveMeta();
    this.undo.destroy();
    this.colab.destroy();
    this.events.close();
    // The notebook's live widgets go with it (its registry would otherwise outlive the page's visit).
    releaseWidgetRegistry(this.id);
    this.provider.destroy();
    this.doc.destroy();
  }

  // ----- finding cells ---------------------------------------------------------------------

  indexOf(id: string): number {
    return indexOfCell(this.doc, id);
  }

  cellAt(index: number): Y.Map<unknown> | undefined {
    return index >= 0 && index < this.cells.length ? this.cells.get(index) : undefined;
  }

  private selectedIndex(): number {
    const id = this.selected.value;
    return id ? this.indexOf(id) : -1;
  }

  /** Selects one cell (the selection becomes that cell alone). */
  select(id: string | null): void {
    // Focusing the active cell again (its editor, its toolbar) keeps a selection of several.
    if (this.selected.value === id && (id === null || this.selection.value.includes(id))) return;
    this.selected.value = id;
    this.anchor = id;
    const only = id ? [id] : [];
    const current = this.selection.value;
    if (current.length !== only.length || current[0] !== only[0]) this.selection.value = only;
  }

  requestFocus(id: string, target: 'editor' | 'cell' = 'editor'): void {
    this.select(id);
    this.focus.value = { id, nonce: ++this.nonce, target };
  }

  /** The selected cells' ids in notebook order (the active cell when nothing else). */
  selectedIds(): string[] {
    const ids = this.selection.value.filter((id) => this.indexOf(id) >= 0);
    const active = this.selected.value;
    if (active && this.indexOf(active) >= 0 && !ids.includes(active)) ids.push(active);
    return ids.sort((a, b) => this.indexOf(a) - this.indexOf(b));
  }

  /** Command mode: Up/Down (or k/j) select the cell above or below, Ctrl+Home/End the first or last. */
  selectRelative(by: number): void {
    const index = this.selectedIndex();
    const to = index < 0 ? (by > 0 ? 0 : this.cells.length - 1) : Math.max(0, Math.min(this.cells.length - 1, index + by));
    const cell = this.cellAt(to);
    if (cell) this.requestFocus(cellId(cell), 'cell');
  }

  selectEdge(which: 'first' | 'last'): void {
    const cell = this.cellAt(which === 'first' ? 0 : this.cells.length - 1);
    if (cell) this.requestFocus(cellId(cell), 'cell');
  }

  /** Shift+Up/Down: grows (or shrinks) the selection from its anchor by one cell. */
  extendSelection(by: -1 | 1): void {
    const index = this.selectedIndex();
    const next = this.cellAt(index + by);
    if (index < 0 || !next) return;
    const anchor = this.anchor && this.indexOf(this.anchor) >= 0 ? this.anchor : this.selected.value!;
    const id = cellId(next);
    this.requestFocus(id, 'cell'); // focusing it selects it alone: the range is set after
    const from = this.indexOf(anchor);
    const to = index + by;
    const ids: string[] = [];
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) ids.push(cellId(this.cells.get(i)));
    this.anchor = anchor;
    this.selection.value = ids;
  }

  /** Escape in an editor: leave it; the cell stays selected, focused as a whole. */
  commandMode(): void {
    const id = this.selected.value;
    if (!id) return;
    if (this.editing.value.has(id)) this.setEditing(id, false);
    editorView(id)?.contentDOM.blur();
    this.requestFocus(id, 'cell');
  }

  /** Enter in command mode: edit the selected cell (a text cell shows its source). */
  editMode(): void {
    const id = this.selected.value;
    if (!id) return;
    const cell = this.cellAt(this.indexOf(id));
    if (cell && cellType(cell) === 'markdown') this.setEditing(id, true);
    this.requestFocus(id, 'editor');
  }

  setEditing(id: string, on: boolean): void {
    const next = new Set(this.editing.value);
    if (on) next.add(id);
    else next.delete(id);
    this.editing.value = next;
  }

  // ----- running -----------------------------------------------------------------------------

  /** Runs code cells (markdown cells are only rendered). */
  async run(ids: string[]): Promise<void> {
    for (const id of ids) this.setEditing(id, false);
    const code = ids.filter((id) => {
      const cell = this.cellAt(this.indexOf(id));
      return cell && cellType(cell) === 'code';
    });
    if (!code.length) return;
    // A notebook this person did not write asks once before its first run (hub.trust enforces it).
    if (trustOf(this.id).value === false) return askToRun(this.id, () => this.run(ids));
    try {
      // The hub runs the source it has: over the events socket it waits for this page's state
      // vector; without that socket, make sure it has what was just typed, then POST.
      const viaSocket = this.events.execute(code, Y.encodeStateVector(this.doc));
      if (viaSocket) {
        await viaSocket;
      } else {
        await this.provider.flush();
        await executeCells(this.id, code);
      }
    } catch (error) {
      if (!isNotTrusted(error)) return showError(error);
      trustOf(this.id).value = false;
      askToRun(this.id, () => this.run(ids));
    }
  }

  runCell(id: string): void {
    void this.run([id]);
  }

  /** Shift+Enter: run, then go to the next cell (a new code cell after the last one). */
  runAndNext(id: string): void {
    const index = this.indexOf(id);
    void this.run([id]);
    let next = this.cellAt(index + 1);
    if (!next) {
      const newId = insertCell(this.doc, index + 1, { cell_type: 'code', source: '' });
      next = this.cellAt(this.indexOf(newId));
    }
    if (next) this.requestFocus(cellId(next));
  }

  /** Alt+Enter: run, then insert a code cell below and go there. */
  runAndInsert(id: string): void {
    const index = this.indexOf(id);
    void this.run([id]);
    this.addCell('code', index + 1);
  }

  runAll(): void {
    void this.run(this.cells.map(cellId));
  }

  /** Colab's "Run before" (Ctrl+F8): the cells above the selected one. */
  runAbove(): void {
    const index = this.selectedIndex();
    if (index > 0) void this.run(this.cells.slice(0, index).map(cellId));
  }

  /** Colab's "Run selection and after" (Ctrl+F10): the selected cell and every cell below. */
  runBelow(): void {
    const index = this.selectedIndex();
    if (index >= 0) void this.run(this.cells.slice(index).map(cellId));
  }

  /** Runs the selected cells (Ctrl+Shift+Enter). */
  runSelected(): void {
    const ids = this.selectedIds();
    if (ids.length) void this.run(ids);
  }

  /** Starts the runtime now (opening the notebook does not; its first run does). */
  async connect(): Promise<void> {
    try {
      await connectRuntime(this.id);
    } catch (error) {
      showError(error);
    }
  }

  async interrupt(): Promise<void> {
    try {
      await interruptRuntime(this.id);
    } catch (error) {
      showError(error);
    }
  }

  async restart(): Promise<void> {
    try {
      await restartRuntime(this.id);
    } catch (error) {
      showError(error);
    }
  }

  // ----- cell operations ------------------------------------------------------------------------

  /** Adds a cell at `index` (default: below the selected cell, else at the end) and focuses it. */
  addCell(type: CellType, index?: number): string {
    const at = index ?? (this.selectedIndex() >= 0 ? this.selectedIndex() + 1 : this.cells.length);
    const id = insertCell(this.doc, at, { cell_type: type, source: '' });
    if (type === 'markdown') this.setEditing(id, true);
    this.requestFocus(id);
    return id;
  }

  addCellRelative(id: string, type: CellType, where: 'above' | 'below'): void {
    const index = this.indexOf(id);
    if (index >= 0) this.addCell(type, where === 'above' ? index : index + 1);
  }

  deleteCell(id: string): void {
    const index = this.indexOf(id);
    if (index < 0) return;
    const neighbour = this.cellAt(index + 1) ?? this.cellAt(index - 1);
    deleteCell(this.doc, index);
    this.select(neighbour ? cellId(neighbour) : null);
  }

  moveCell(id: string, by: -1 | 1): void {
    const index = this.indexOf(id);
    moveCell(this.doc, index, index + by);
    this.select(id);
  }

  changeType(id: string, type: CellType): void {
    const index = this.indexOf(id);
    if (index < 0) return;
    changeCellType(this.doc, index, type);
    this.setEditing(id, type === 'markdown');
    this.requestFocus(id);
  }

  copyCell(id: string): void {
    this.copyCells([id]);
  }

  cutCell(id: string): void {
    this.cutCells([id]);
  }

  /** Copies cells (default: the selected ones) to the page's cell clipboard. */
  copyCells(ids: string[] = this.selectedIds()): void {
    const cells = ids.map((id) => this.cellAt(this.indexOf(id))).filter((cell) => cell !== undefined);
    if (!cells.length) return;
    clipboard = cells.map(cellToJSON);
    this.hasClipboard.value = true;
  }

  cutCells(ids: string[] = this.selectedIds()): void {
    this.copyCells(ids);
    this.deleteCells(ids);
  }

  /** Deletes cells (default: the selected ones) in one undoable step. */
  deleteCells(ids: string[] = this.selectedIds()): void {
    const indices = ids.map((id) => this.indexOf(id)).filter((i) => i >= 0).sort((a, b) => b - a);
    if (!indices.length) return;
    const gone = new Set(indices);
    let after = indices[0] + 1;
    while (gone.has(after)) after++;
    const neighbour = this.cellAt(after) ?? this.cellAt(indices[indices.length - 1] - 1);
    const keep = neighbour ? cellId(neighbour) : null;
    this.doc.transact(() => {
      for (const index of indices) this.cells.delete(index, 1);
    }, CELL_OPS);
    if (keep) this.requestFocus(keep, 'cell');
    else this.select(null);
  }

  /** Pastes the clipboard's cells below `id` (or the selected cell), with new ids. */
  pasteBelow(id?: string | null): void {
    if (!clipboard.length) return;
    const anchor = id ?? this.selected.value;
    const index = anchor ? this.indexOf(anchor) + 1 : this.cells.length;
    const fresh = clipboard.map((cell) => ({ ...cell, id: undefined }));
    const ids = insertCells(this.doc, index, fresh);
    this.select(ids[ids.length - 1]);
  }

  /** Pastes the clipboard's cells above the selected cell. */
  pasteAbove(): void {
    if (!clipboard.length) return;
    const anchor = this.selected.value;
    const index = anchor ? Math.max(0, this.indexOf(anchor)) : 0;
    const fresh = clipboard.map((cell) => ({ ...cell, id: undefined }));
    const ids = insertCells(this.doc, index, fresh);
    this.select(ids[ids.length - 1]);
  }

  /** Splits the cell at its editor's caret (a selection makes three cells: before, it, after). */
  splitCell(id: string | null = this.selected.value): void {
    if (!id) return;
    const index = this.indexOf(id);
    const cell = this.cellAt(index);
    const view = editorView(id);
    if (!cell || !view) return;
    const text = cellSource(cell);
    const source = text.toString();
    const { from, to } = view.state.selection.main;
    const cuts = [...new Set([from, to])].filter((at) => at > 0 && at < source.length);
    if (!cuts.length) return;
    const pieces: string[] = [];
    let start = cuts[0];
    for (const cut of cuts.slice(1)) {
      pieces.push(source.slice(start, cut));
      start = cut;
    }
    pieces.push(source.slice(start));
    const type = cellType(cell);
    let last = id;
    this.doc.transact(() => {
      text.delete(cuts[0], source.length - cuts[0]);
      const trimmed = text.toString().replace(/\n$/, '');
      if (trimmed.length !== text.length) text.delete(trimmed.length, text.length - trimmed.length);
      const ids = insertCells(
        this.doc,
        index + 1,
        pieces.map((piece) => ({ cell_type: type, source: piece.replace(/^\n/, '') })),
      );
      last = ids[ids.length - 1];
    }, CELL_OPS);
    if (type === 'markdown') this.setEditing(last, true);
    this.requestFocus(last);
  }

  /** Shift+M: merges the selected cells into the first; one cell alone merges with the one below. */
  mergeCells(): void {
    let ids = this.selectedIds();
    if (ids.length === 1) {
      const below = this.cellAt(this.indexOf(ids[0]) + 1);
      if (!below) return;
      ids = [ids[0], cellId(below)];
    }
    if (ids.length < 2) return;
    const first = this.cellAt(this.indexOf(ids[0]));
    if (!first) return;
    const rest = ids.slice(1).map((id) => this.cellAt(this.indexOf(id))).filter((cell) => cell !== undefined);
    const text = cellSource(first);
    this.doc.transact(() => {
      const joined = rest.map((cell) => cellSource(cell).toString()).join('\n');
      text.insert(text.length, (text.length ? '\n' : '') + joined);
      const outputs = first.get('outputs');
      if (outputs instanceof Y.Array && outputs.length) outputs.delete(0, outputs.length);
      if (cellType(first) === 'code') first.set('execution_count', null);
      const indices = rest.map((cell) => this.indexOf(cellId(cell))).sort((a, b) => b - a);
      for (const index of indices) this.cells.delete(index, 1);
    }, CELL_OPS);
    this.requestFocus(ids[0], 'cell');
  }

  /** Moves the selected cells (as a block) up or down by one. */
  moveSelected(by: -1 | 1): void {
    const ids = this.selectedIds();
    if (!ids.length) return;
    const active = this.selected.value;
    if (ids.length === 1) {
      this.moveCell(ids[0], by);
      this.requestFocus(ids[0], this.mode.value === 'edit' ? 'editor' : 'cell');
      return;
    }
    const first = this.indexOf(ids[0]);
    const last = this.indexOf(ids[ids.length - 1]);
    if (by < 0 ? first <= 0 : last >= this.cells.length - 1) return;
    // Moving the neighbour across the block keeps the block's cells (and their editors) as they are.
    if (by < 0) moveCell(this.doc, first - 1, last);
    else moveCell(this.doc, last + 1, first);
    this.selection.value = ids;
    if (active) this.selected.value = active;
  }

  /** Clears the outputs (and execution counts) of cells (default: the selected ones). */
  clearOutputs(ids: string[] = this.selectedIds()): void {
    this.doc.transact(() => {
      for (const id of ids) {
        const cell = this.cellAt(this.indexOf(id));
        if (!cell || cellType(cell) !== 'code') continue;
        const outputs = cell.get('outputs');
        if (outputs instanceof Y.Array && outputs.length) outputs.delete(0, outputs.length);
        if (cell.get('execution_count') != null) cell.set('execution_count', null);
      }
    }, CELL_OPS);
  }

  clearAllOutputs(): void {
    this.clearOutputs(this.cells.map(cellId));
  }

  /** Shows or hides a cell's output (nbformat's `collapsed` metadata, as Jupyter). */
  toggleOutput(ids: string[] = this.selectedIds()): void {
    for (const id of ids) {
      const cell = this.cellAt(this.indexOf(id));
      if (!cell || cellType(cell) !== 'code') continue;
      const meta = cell.get('metadata');
      const collapsed = meta instanceof Y.Map && meta.get('collapsed') === true;
      setCellMetadata(cell, 'collapsed', collapsed ? undefined : true);
    }
  }

  undoCells(): void {
    this.undo.undo();
  }

  redoCells(): void {
    this.undo.redo();
  }

  /** The notebook's cells as plain data (for export). */
  snapshot(): CellData[] {
    return this.cells.map(cellToJSON);
  }
}

/** Keeps the notebook's widget registry's saved state in step with `metadata.widgets`. */
function watchSavedWidgets(doc: Y.Doc, notebookId: string): () => void {
  const meta = metaOf(doc);
  const registry = widgetRegistry(notebookId);
  let last: string | null = null;
  const update = () => {
    const metadata = meta.get('metadata');
    const plain = metadata instanceof Y.Map ? metadata.toJSON() : metadata;
    const saved = savedWidgetState(plain);
    const text = saved ? JSON.stringify(saved) : null;
    if (text === last) return;
    last = text;
    registry.saved.value = saved;
  };
  meta.observeDeep(update);
  update();
  return () => meta.unobserveDeep(update);
}
