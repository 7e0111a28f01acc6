// What the Files panel and the file viewer share with the rest of the notebook page: whether the
// panel is open (one of the side panels: panels/state.ts, remembered in this browser), and which
// file the viewer shows (the panel opens it, and so does google.colab.files.view in a cell: the
// hub's "files_view" event).

import { computed, signal } from '@preact/signals';
import type { PanelsState } from '../panels/state';
import type { FilesViewMessage } from '../runtime/protocol';

export interface ViewTarget {
  /** "runtime": a path below /content; "drive": a file of the person's Drive (item id). */
  source: 'runtime' | 'drive';
  path: string;
  itemId?: string;
  /** Tells one request from the next, so viewing the same file again reloads it. */
  seq: number;
}

/** The Files panel's id among the side panels. */
export const FILES_PANEL = 'files';

export class FilesState {
  readonly panelOpen = computed(() => this.panels.left.value === FILES_PANEL);
  readonly viewing = signal<ViewTarget | null>(null);
  private seq = 0;

  constructor(private readonly panels: PanelsState) {}

  /** True while the panel is open only because this browser remembered it open: opening a
   * notebook starts no runtime, so such a panel offers Connect rather than connecting. */
  get restoredOpen(): boolean {
    return this.panels.restored === FILES_PANEL;
  }

  setPanelOpen(open: boolean): void {
    if (open) this.panels.open(FILES_PANEL);
    else this.panels.closePanel(FILES_PANEL);
  }

  view(source: ViewTarget['source'], path: string, itemId?: string): void {
    this.viewing.value = { source, path, itemId, seq: ++this.seq };
  }

  /** The hub's {"type": "files_view", source, path, item_id?} (files.view in a cell). */
  handleEvent(message: FilesViewMessage): void {
    if (message.source === 'drive' && !message.item_id) return;
    this.view(message.source, message.path, message.item_id);
  }

  closeViewer(): void {
    this.viewing.value = null;
  }
}
