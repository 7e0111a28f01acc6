// The question before the first run of a notebook this person did not write, and the notice
// above an untrusted notebook (Jupyter's "Not Trusted", Colab's warning).

import { ConfirmDialog } from '../../components/ConfirmDialog';
import { showDialog } from '../../state/dialogs';
import { showError } from '../../state/toasts';
import { trustNotebook, trustOf } from './state';

/** Asks once; "Run anyway" records trust on the hub, then runs. Cancel runs nothing. */
export function askToRun(notebookId: string, run: () => Promise<void>): void {
  showDialog(
    <ConfirmDialog
      title="Run a notebook from someone else?"
      confirmLabel="Run anyway"
      onConfirm={async () => {
        await trustNotebook(notebookId);
        void run();
      }}
    >
      This notebook was not written by you. It can read your Drive and secrets. Run anyway?
    </ConfirmDialog>,
  );
}

export function TrustBanner({ notebookId }: { notebookId: string }) {
  if (trustOf(notebookId).value !== false) return null;
  const trust = () => trustNotebook(notebookId).catch(showError);
  return (
    <div class="nb-trust" role="note" aria-label="Notebook trust">
      <span>
        Not trusted: this notebook was not written by you here (it was uploaded, or changed by someone else). Its saved
        scripts stay hidden and running it asks first.
      </span>
      <button type="button" class="button" onClick={trust}>
        Trust notebook
      </button>
    </div>
  );
}
