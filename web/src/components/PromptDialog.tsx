// A dialog asking for one line of text (a new folder's name, a new name, a quota).

import { useEffect, useRef, useState } from 'preact/hooks';
import { closeDialog } from '../state/dialogs';
import { errorText, isSignedOut } from '../state/toasts';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  label: string;
  initial?: string;
  submitLabel: string;
  inputType?: 'text' | 'number';
  /** Select only the part before the extension, as Drive does when renaming a file. */
  selectStem?: boolean;
  onSubmit: (value: string) => Promise<unknown>;
}

export function PromptDialog({ title, label, initial = '', submitLabel, inputType = 'text', selectStem, onSubmit }: Props) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const field = input.current;
    if (!field) return;
    field.focus();
    const dot = initial.lastIndexOf('.');
    if (selectStem && dot > 0) field.setSelectionRange(0, dot);
    else field.select();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const text = value.trim();
    if (!text) {
      setError(`${label} cannot be empty.`);
      return;
    }
    setBusy(true);
    setError('');
    try {
      await onSubmit(text);
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
      <form onSubmit={submit} class="stack">
        <label class="field">
          <span class="field-label">{label}</span>
          <input
            ref={input}
            type={inputType}
            step={inputType === 'number' ? 'any' : undefined}
            min={inputType === 'number' ? '0' : undefined}
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
            aria-invalid={error ? 'true' : undefined}
            required
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
