// Contract C2: every notebook action as a command that the keyboard layer, the command palette,
// the keyboard-shortcuts dialog and the menus share.

import type { NotebookSession } from '../NotebookSession';

/** Where a command's keys work: 'command' (a cell selected, no editor focused), 'edit' (inside an
 * editor), 'any' (both; the default). */
export type CommandMode = 'command' | 'edit' | 'any';

export interface Command {
  /** 'cell:insert-below', 'notebook:run-all', 'view:toc', ... */
  id: string;
  /** What the palette, the shortcuts dialog and the menus show: 'Insert code cell below'. */
  label: string;
  /** 'Cell' | 'Edit' | 'Runtime' | 'View' | 'Navigate' | 'Tools' | 'Help' | 'Markdown' (or 'Insert', 'File') */
  category: string;
  /** Default bindings in CodeMirror notation; a chord is space-separated ('Mod-m a' is Colab's
   * Ctrl+M A), e.g. ['Mod-Shift-p'], ['a'] (command mode). */
  keys?: string[];
  /** Where the keys work (default 'any'). */
  mode?: CommandMode;
  run: (session: NotebookSession) => void | Promise<void>;
  enabled?: (session: NotebookSession) => boolean;
}
