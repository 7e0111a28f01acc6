// The notebook's own commands: running, cells, runtime, navigation, with Colab's keys (Ctrl+M
// chords, Ctrl+F8/F9/F10) and Jupyter's command-mode keys (A, B, D D, Z, Y, M, ...).

import { selectNextOccurrence } from '@codemirror/search';
import { toggleComment } from '@codemirror/commands';
import { preferences, updatePreferences } from '../../state/preferences';
import { showError } from '../../state/toasts';
import { editorView } from '../cells/editorViews';
import type { NotebookSession } from '../NotebookSession';
import { openPalette } from './CommandPalette';
import { openShortcuts } from './ShortcutsDialog';
import type { Command } from './types';

const withSelected = (action: (session: NotebookSession, id: string) => void) => (session: NotebookSession) => {
  const id = session.selected.value;
  if (id) action(session, id);
};
const hasSelected = (session: NotebookSession) => session.selected.value !== null;
const inEditor = (session: NotebookSession) => {
  const id = session.selected.value;
  return Boolean(id && editorView(id)?.hasFocus);
};
const withEditor = (action: (view: NonNullable<ReturnType<typeof editorView>>) => void) => (session: NotebookSession) => {
  const id = session.selected.value;
  const view = id ? editorView(id) : undefined;
  if (view) action(view);
};

/** Y / M: converts the selected cells; from command mode it stays in command mode (as Jupyter). */
function convert(session: NotebookSession, type: 'code' | 'markdown'): void {
  const active = session.selected.value;
  const fromCommandMode = session.mode.value === 'command';
  const ids = session.selectedIds();
  for (const id of ids) session.changeType(id, type);
  if (!fromCommandMode || !active) return;
  for (const id of ids) session.setEditing(id, false);
  session.requestFocus(active, 'cell');
}

export const notebookCommands: Command[] = [
  // ----- Runtime ---------------------------------------------------------------------------
  {
    id: 'cell:run',
    label: 'Run cell',
    category: 'Runtime',
    keys: ['Mod-Enter'],
    run: withSelected((session, id) => session.runCell(id)),
    enabled: hasSelected,
  },
  {
    id: 'cell:run-and-next',
    label: 'Run cell and select next',
    category: 'Runtime',
    keys: ['Shift-Enter'],
    run: withSelected((session, id) => session.runAndNext(id)),
    enabled: hasSelected,
  },
  {
    id: 'cell:run-and-insert',
    label: 'Run cell and insert below',
    category: 'Runtime',
    keys: ['Alt-Enter'],
    run: withSelected((session, id) => session.runAndInsert(id)),
    enabled: hasSelected,
  },
  {
    id: 'cell:run-selected',
    label: 'Run selected cells',
    category: 'Runtime',
    keys: ['Mod-Shift-Enter'],
    run: (session) => session.runSelected(),
    enabled: hasSelected,
  },
  {
    id: 'notebook:run-all',
    label: 'Run all',
    category: 'Runtime',
    keys: ['Mod-F9'],
    run: (session) => session.runAll(),
  },
  {
    id: 'notebook:run-above',
    label: 'Run before (the cells above)',
    category: 'Runtime',
    keys: ['Mod-F8'],
    run: (session) => session.runAbove(),
    enabled: hasSelected,
  },
  {
    id: 'notebook:run-below',
    label: 'Run selection and after',
    category: 'Runtime',
    keys: ['Mod-F10'],
    run: (session) => session.runBelow(),
    enabled: hasSelected,
  },
  {
    id: 'runtime:interrupt',
    label: 'Interrupt execution',
    category: 'Runtime',
    keys: ['Mod-m i', 'i i'],
    run: (session) => session.interrupt(),
  },
  {
    id: 'runtime:restart',
    label: 'Restart runtime',
    category: 'Runtime',
    keys: ['Mod-m .', '0 0'],
    run: (session) => session.restart(),
  },
  {
    id: 'runtime:connect',
    label: 'Connect to a runtime',
    category: 'Runtime',
    run: (session) => session.connect(),
  },
  // ----- Insert ------------------------------------------------------------------------------
  {
    id: 'cell:insert-code-above',
    label: 'Insert code cell above',
    category: 'Insert',
    keys: ['Mod-m a', 'a'],
    run: (session) => {
      const id = session.selected.value;
      if (id) session.addCellRelative(id, 'code', 'above');
      else session.addCell('code', 0);
    },
  },
  {
    id: 'cell:insert-code-below',
    label: 'Insert code cell below',
    category: 'Insert',
    keys: ['Mod-m b', 'b'],
    run: (session) => {
      const id = session.selected.value;
      if (id) session.addCellRelative(id, 'code', 'below');
      else session.addCell('code');
    },
  },
  {
    id: 'cell:insert-text-above',
    label: 'Insert text cell above',
    category: 'Insert',
    run: (session) => {
      const id = session.selected.value;
      if (id) session.addCellRelative(id, 'markdown', 'above');
      else session.addCell('markdown', 0);
    },
  },
  {
    id: 'cell:insert-text-below',
    label: 'Insert text cell below',
    category: 'Insert',
    run: (session) => {
      const id = session.selected.value;
      if (id) session.addCellRelative(id, 'markdown', 'below');
      else session.addCell('markdown');
    },
  },
  // ----- Edit -------------------------------------------------------------------------------
  {
    id: 'cell:undo',
    label: 'Undo cell operation',
    category: 'Edit',
    keys: ['z', 'Mod-z', 'Mod-m z'],
    mode: 'command',
    run: (session) => session.undoCells(),
    enabled: (session) => session.canUndo.value,
  },
  {
    id: 'cell:redo',
    label: 'Redo cell operation',
    category: 'Edit',
    keys: ['Shift-z', 'Mod-Shift-z', 'Mod-y'],
    mode: 'command',
    run: (session) => session.redoCells(),
    enabled: (session) => session.canRedo.value,
  },
  {
    id: 'cell:delete',
    label: 'Delete selected cells',
    category: 'Edit',
    keys: ['Mod-m d', 'd d'],
    run: (session) => session.deleteCells(),
    enabled: hasSelected,
  },
  {
    id: 'cell:copy',
    label: 'Copy selected cells',
    category: 'Edit',
    keys: ['c'],
    run: (session) => session.copyCells(),
    enabled: hasSelected,
  },
  {
    id: 'cell:cut',
    label: 'Cut selected cells',
    category: 'Edit',
    keys: ['x'],
    run: (session) => session.cutCells(),
    enabled: hasSelected,
  },
  {
    id: 'cell:paste-below',
    label: 'Paste cells below',
    category: 'Edit',
    keys: ['v'],
    run: (session) => session.pasteBelow(),
    enabled: (session) => session.hasClipboard.value,
  },
  {
    id: 'cell:paste-above',
    label: 'Paste cells above',
    category: 'Edit',
    keys: ['Shift-v'],
    run: (session) => session.pasteAbove(),
    enabled: (session) => session.hasClipboard.value,
  },
  {
    id: 'cell:merge',
    label: 'Merge selected cells (or with the cell below)',
    category: 'Edit',
    keys: ['Shift-m'],
    run: (session) => session.mergeCells(),
    enabled: hasSelected,
  },
  {
    id: 'cell:split',
    label: 'Split cell at cursor',
    category: 'Edit',
    keys: ['Mod-Shift--', 'Mod-m -'],
    mode: 'edit',
    run: (session) => session.splitCell(),
    enabled: inEditor,
  },
  {
    id: 'cell:to-code',
    label: 'Convert to code cell',
    category: 'Edit',
    keys: ['Mod-m y', 'y'],
    run: (session) => convert(session, 'code'),
    enabled: hasSelected,
  },
  {
    id: 'cell:to-text',
    label: 'Convert to text cell',
    category: 'Edit',
    keys: ['Mod-m m', 'm'],
    run: (session) => convert(session, 'markdown'),
    enabled: hasSelected,
  },
  {
    id: 'cell:move-up',
    label: 'Move cell up',
    category: 'Edit',
    keys: ['Mod-m k'],
    run: (session) => session.moveSelected(-1),
    enabled: hasSelected,
  },
  {
    id: 'cell:move-down',
    label: 'Move cell down',
    category: 'Edit',
    keys: ['Mod-m j'],
    run: (session) => session.moveSelected(1),
    enabled: hasSelected,
  },
  {
    id: 'cell:clear-output',
    label: "Clear this cell's output",
    category: 'Edit',
    run: (session) => session.clearOutputs(),
    enabled: hasSelected,
  },
  {
    id: 'notebook:clear-all-outputs',
    label: 'Clear all outputs',
    category: 'Edit',
    run: (session) => session.clearAllOutputs(),
  },
  {
    id: 'edit:toggle-comment',
    label: 'Comment or uncomment lines',
    category: 'Edit',
    keys: ['Mod-/'],
    mode: 'edit',
    run: withEditor((view) => toggleComment(view)),
    enabled: inEditor,
  },
  {
    id: 'edit:select-next-occurrence',
    label: 'Add a cursor at the next occurrence',
    category: 'Edit',
    keys: ['Mod-d'],
    mode: 'edit',
    run: withEditor((view) => selectNextOccurrence(view)),
    enabled: inEditor,
  },
  {
    id: 'file:save',
    label: 'Save now',
    category: 'File',
    keys: ['Mod-s'],
    run: async (session) => {
      try {
        await session.provider.flush();
      } catch (error) {
        showError(error);
      }
    },
  },
  // ----- Navigate ---------------------------------------------------------------------------
  {
    id: 'mode:command',
    label: 'Leave the editor (command mode)',
    category: 'Navigate',
    keys: ['Escape'],
    mode: 'edit',
    run: (session) => session.commandMode(),
  },
  {
    id: 'mode:edit',
    label: 'Edit the selected cell',
    category: 'Navigate',
    keys: ['Enter'],
    mode: 'command',
    run: (session) => session.editMode(),
    enabled: hasSelected,
  },
  {
    id: 'cell:select-above',
    label: 'Select the cell above',
    category: 'Navigate',
    keys: ['ArrowUp', 'k'],
    mode: 'command',
    run: (session) => session.selectRelative(-1),
  },
  {
    id: 'cell:select-below',
    label: 'Select the cell below',
    category: 'Navigate',
    keys: ['ArrowDown', 'j'],
    mode: 'command',
    run: (session) => session.selectRelative(1),
  },
  {
    id: 'cell:extend-above',
    label: 'Extend the selection up',
    category: 'Navigate',
    keys: ['Shift-ArrowUp', 'Shift-k'],
    mode: 'command',
    run: (session) => session.extendSelection(-1),
  },
  {
    id: 'cell:extend-below',
    label: 'Extend the selection down',
    category: 'Navigate',
    keys: ['Shift-ArrowDown', 'Shift-j'],
    mode: 'command',
    run: (session) => session.extendSelection(1),
  },
  {
    id: 'cell:select-first',
    label: 'Go to the first cell',
    category: 'Navigate',
    keys: ['Mod-Home'],
    mode: 'command',
    run: (session) => session.selectEdge('first'),
  },
  {
    id: 'cell:select-last',
    label: 'Go to the last cell',
    category: 'Navigate',
    keys: ['Mod-End'],
    mode: 'command',
    run: (session) => session.selectEdge('last'),
  },
  // ----- View, Tools, Help ------------------------------------------------------------------
  {
    id: 'view:line-numbers',
    label: 'Show or hide line numbers',
    category: 'View',
    keys: ['Mod-m l', 'l'],
    run: () => updatePreferences({ editor: { lineNumbers: !preferences.value.editor.lineNumbers } }),
  },
  {
    id: 'view:toggle-output',
    label: 'Show or hide the output',
    category: 'View',
    keys: ['Mod-m o', 'o'],
    run: (session) => session.toggleOutput(),
    enabled: hasSelected,
  },
  {
    id: 'tools:command-palette',
    label: 'Command palette',
    category: 'Tools',
    keys: ['Mod-Shift-p'],
    run: (session) => openPalette(session),
  },
  {
    id: 'help:shortcuts',
    label: 'Keyboard shortcuts',
    category: 'Tools',
    keys: ['Mod-m h', 'h'],
    run: (session) => openShortcuts(session),
  },
];
