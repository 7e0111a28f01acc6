// The live CodeMirror view of each cell's editor, by cell id (set and unset by CodeEditor), so
// features outside the editor (the markdown toolbar, split at cursor, image paste) can edit at
// the caret through the editor itself: its own undo keeps working.

import { Facet } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import type * as Y from 'yjs';

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

/** The editor's own undo manager (CodeEditor provides it), so that a toolbar action can be one
 * undo step of its own: Y.UndoManager would merge it with the typing of the last half second. */
export const editorUndoManager = Facet.define<Y.UndoManager, Y.UndoManager | undefined>({
  combine: (values) => values[0],
});

/** Runs `change` as an undo step of its own in `view`'s editor. */
export function asOwnUndoStep(view: EditorView, change: () => void): void {
  const undo = view.state.facet(editorUndoManager);
  undo?.stopCapturing();
  change();
  undo?.stopCapturing();
}
