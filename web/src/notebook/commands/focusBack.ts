// Dialogs opened from the keyboard give the focus back where it was when they close.

import type { NotebookSession } from '../NotebookSession';

/** Remembers the focused element now; the returned function focuses it again (or the selected cell). */
export function rememberFocus(session: NotebookSession): () => void {
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return () => {
    // After the dialog is gone (it closes on this render).
    setTimeout(() => {
      if (before && before.isConnected && before !== document.body) before.focus();
      else if (session.selected.peek()) session.requestFocus(session.selected.peek()!, 'cell');
    }, 0);
  };
}
