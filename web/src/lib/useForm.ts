// A form's busy flag and error line around an async submit.

import { useState } from 'preact/hooks';
import { errorText, isSignedOut } from '../state/toasts';

export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (event?: Event) => {
    event?.preventDefault();
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (failure) {
      if (!isSignedOut(failure)) setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}
