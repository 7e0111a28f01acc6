// What the Files panel and the file viewer share with the rest of the notebook page: whether the
// panel is open (remembered in this browser), and which file the viewer shows (the panel opens
// it, and so does google.colab.files.view in a cell: the hub's "files_view" event).

import { signal } from '@preact/signals';
import type { FilesViewMessage } from '../runtime/protocol';

export interface ViewTarget {
  /** "runtime": a path below /content; "drive": a file of the person's Drive (item id). */
  source: 'runtime' | 'drive';
  path: string;
  itemId?: string;
  /** Tells one request from the next, so viewing the same file again reloads it. */
  seq: number;
}

const PANEL_KEY = 'nbcloud.filesPanel';

function remembered(): boolean {
  try {
    return window.localStorage.getItem(PANEL_KEY) === 'open';
  } catch {
    return false;
  }
}

export class FilesState {
  readonly panelOpen = signal(remembered());
  /** True while the panel is open only because this browser remembered it open: opening a
   * notebook starts no runtime, so such a panel offers Connect rather than connecting. */
  restoredOpen = this.panelOpen.value;
  readonly viewing = signal<ViewTarget | null>(null);
  private seq = 0;

  setPanelOpen(open: boolean): void {
    this.restoredOpen = false;
    this.panelOpen.value = open;
    try {
      window.localStorage.setItem(PANEL_KEY, open ? 'open' : 'closed');
    } catch {
      // private mode: not remembered
    }
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
