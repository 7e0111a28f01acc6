// Find and replace's commands (contract C2): Ctrl+F and Ctrl+H anywhere in the notebook, inside
// an editor too (instead of the browser's find: it cannot see cells that are not drawn).

import { editorView } from '../cells/editorViews';
import type { Command } from '../commands/types';
import type { NotebookSession } from '../NotebookSession';
import { findOf } from './state';

/** The selected text: in the active cell's editor, else on the page. */
function selectedText(session: NotebookSession): string | null {
  const id = session.selected.peek();
  const view = id ? editorView(id) : undefined;
  if (view?.hasFocus) {
    const { from, to } = view.state.selection.main;
    return from === to ? null : view.state.sliceDoc(from, to);
  }
  const text = window.getSelection()?.toString() ?? '';
  return text || null;
}

export const findCommands: Command[] = [
  {
    id: 'view:find',
    label: 'Find',
    category: 'Edit',
    keys: ['Mod-f'],
    run: (session) => findOf(session).open('find', selectedText(session)),
  },
  {
    id: 'edit:replace',
    label: 'Find and replace',
    category: 'Edit',
    keys: ['Mod-h'],
    run: (session) => findOf(session).open('replace', selectedText(session)),
  },
  { id: 'edit:find-next', label: 'Find next match', category: 'Edit', keys: ['F3'], run: (session) => findOf(session).next() },
  { id: 'edit:find-previous', label: 'Find previous match', category: 'Edit', keys: ['Shift-F3'], run: (session) => findOf(session).previous() },
];
