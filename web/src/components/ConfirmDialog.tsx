// A yes/no dialog for things that cannot be undone.

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { closeDialog } from '../state/dialogs';
import { errorText, isSignedOut } from '../state/toasts';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
}

export function ConfirmDialog({ title, children, confirmLabel, danger, onConfirm }: Props) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError('');
    try {
      await onConfirm();
      closeDialog();
    } catch (failure) {
      if (isSignedOut(failure)) closeDialog();
      else setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={closeDialog}>
      <div class="stack">
        <div class="dialog-message">{children}</div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={closeDialog} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            class={danger ? 'button button-danger' : 'button button-primary'}
            onClick={confirm}
            disabled={busy}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
