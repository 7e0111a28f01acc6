// Help pages (`obj?`, `obj??`, help()) of cells this person ran open the Help side panel.

import { effect } from '@preact/signals';
import type { NotebookSession } from '../NotebookSession';

export const HELP_PANEL = 'help';

const watched = new WeakSet<NotebookSession>();

/** Starts (once per notebook session) opening the Help panel when a help page arrives. */
export function ensureHelpWatcher(session: NotebookSession): void {
  if (watched.has(session)) return;
  watched.add(session);
  let last = session.events.help.peek()?.seq ?? 0;
  // Lives as long as the session (the signal and this effect go together).
  effect(() => {
    const page = session.events.help.value;
    if (!page || page.seq === last) return;
    last = page.seq;
    session.panels.open(HELP_PANEL);
  });
}
