// The live CodeMirror view of each cell's editor, by cell id (set and unset by CodeEditor), so
// features outside the editor (the markdown toolbar, split at cursor, image paste) can edit at
// the caret through the editor itself: its own undo keeps working.

import type { EditorView } from '@codemirror/view';

const views = new Map<string, EditorView>();

/** The editor of cell `cellId`, while it is mounted. */
export function editorView(cellId: string): EditorView | undefined {
  return views.get(cellId);
}

/** CodeEditor registers its view; the returned function unregisters it (only if still its own). */
export function registerEditorView(cellId: string, view: EditorView): () => void {
  views.set(cellId, view);
  return () => {
    if (views.get(cellId) === view) views.delete(cellId);
  };
}
