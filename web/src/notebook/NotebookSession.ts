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
  cellToJSON,
  cellType,
  changeCellType,
  deleteCell,
  indexOfCell,
  insertCell,
  insertCells,
  metaOf,
  moveCell,
} from './model/cells';
import { ColabBridge } from './colab/bridge';
import { FilesState } from './files/state';
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
  readonly files = new FilesState();
  readonly undo: Y.UndoManager;
  readonly cells: Y.Array<Y.Map<unknown>>;
  readonly sync = signal<ProviderStatus>({
    state: 'connecting',
    synced: false,
    problem: null,
    save: { state: 'saved', error: null, unsaved: false },
    reload: null,
  });
  /** The selected cell (toolbar actions apply to it). */
  readonly selected = signal<string | null>(null);
  readonly focus = signal<FocusRequest | null>(null);
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

  select(id: string | null): void {
    if (this.selected.value !== id) this.selected.value = id;
  }

  requestFocus(id: string): void {
    this.select(id);
    this.focus.value = { id, nonce: ++this.nonce };
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
    const cell = this.cellAt(this.indexOf(id));
    if (!cell) return;
    clipboard = [cellToJSON(cell)];
    this.hasClipboard.value = true;
  }

  cutCell(id: string): void {
    this.copyCell(id);
    this.deleteCell(id);
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
