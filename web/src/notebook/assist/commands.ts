// The assist feature's commands (contract C2): the Variables panel, the scratch cell, the Help
// panel, docs of the name at the caret.

import { editorView } from '../cells/editorViews';
import type { Command } from '../commands/types';
import type { NotebookSession } from '../NotebookSession';
import { hasAssist, showDocs } from './extensions';
import { HELP_PANEL } from './help';
import { SCRATCH_PANEL } from './ScratchPanel';
import { VARIABLES_PANEL } from './VariablesPanel';

/** The editor the caret is in (a cell's, or the scratch cell's). */
function focusedEditor(session: NotebookSession) {
  const id = session.selected.value;
  const view = id ? editorView(id) : undefined;
  return view?.hasFocus && hasAssist(view) ? view : undefined;
}

export const assistCommands: Command[] = [
  {
    id: 'view:variables',
    label: 'Show variables',
    category: 'View',
    run: (session) => session.panels.toggle(VARIABLES_PANEL),
  },
  {
    id: 'view:scratch',
    label: 'Open scratch cell',
    category: 'View',
    keys: ['Mod-Alt-n'],
    run: (session) => session.panels.toggle(SCRATCH_PANEL),
  },
  {
    id: 'view:help',
    label: 'Show help panel',
    category: 'Help',
    run: (session) => session.panels.toggle(HELP_PANEL),
  },
  {
    id: 'help:docs',
    label: 'Show documentation of the name at the caret',
    category: 'Help',
    keys: ['Shift-Tab'],
    mode: 'edit',
    run: (session) => {
      const view = focusedEditor(session);
      if (view) void showDocs(view, session);
    },
  },
];
