// Whether the notebook is on disk: "Saved", "Saving…", or "Not saved: <why> — retrying" while the
// hub's autosave fails (disk full, I/O error). The edits are kept meanwhile (on the hub, and in
// this page until the hub has written them), and the hub retries until it works.

import type { NotebookSession } from './NotebookSession';
import './SaveStatus.css';

export function saveStatusText(session: NotebookSession): { text: string; problem: boolean } {
  const sync = session.sync.value;
  const save = sync.save;
  if (save.state === 'failed') {
    return { text: `Not saved: ${save.error ?? 'the hub could not write the file'} — retrying`, problem: true };
  }
  if (sync.state === 'disconnected' && save.unsaved) {
    return { text: 'Not saved: no connection to the hub — your changes are kept and sent when it is back', problem: true };
  }
  if (save.unsaved || save.state === 'saving') return { text: 'Saving…', problem: false };
  return { text: 'Saved', problem: false };
}

export function SaveStatus({ session }: { session: NotebookSession }) {
  const { text, problem } = saveStatusText(session);
  return (
    <span class={problem ? 'nb-save-status nb-save-problem' : 'nb-save-status'} role="status" aria-label={text} title={text}>
      {text}
    </span>
  );
}
