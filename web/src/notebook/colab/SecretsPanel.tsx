// The Secrets side panel of a notebook (the rail's key button, as in Colab): the person's secrets
// (google.colab.userdata.get), adding and deleting them, and "Notebook access" for this notebook.
// Values stay hidden until shown.

import { useEffect, useState } from 'preact/hooks';
import { addSecret, deleteSecret, grantSecret, listSecrets, revokeSecret, type Secret } from '../../api/secrets';
import { errorText } from '../../state/toasts';
import type { NotebookSession } from '../NotebookSession';
import { PanelFrame } from '../panels/PanelFrame';
import './colab.css';

export function SecretsPanel({ session }: { session: NotebookSession }) {
  const notebookId = session.id;
  const [secrets, setSecrets] = useState<Secret[] | null>(null);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set());

  const attempt = async (action: () => Promise<unknown>) => {
    setError('');
    try {
      await action();
      setSecrets(await listSecrets());
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    }
  };

  useEffect(() => {
    void attempt(async () => undefined);
  }, []);

  const toggleShown = (secret: string) => {
    const next = new Set(shown);
    if (next.has(secret)) next.delete(secret);
    else next.add(secret);
    setShown(next);
  };

  return (
    <PanelFrame session={session} id="secrets" label="Secrets">
      <div class="stack secrets-panel">
        <p class="dialog-message">
          Keep keys and tokens here instead of in code. A notebook reads one with{' '}
          <code>from google.colab import userdata; userdata.get('NAME')</code> once you turn on its Notebook access.
        </p>
        {secrets === null && !error && <p>Loading secrets…</p>}
        {secrets && secrets.length === 0 && <p>No secrets yet. Add one below.</p>}
        {secrets && secrets.length > 0 && (
          <ul class="secrets-list" aria-label="Secrets">
            {secrets.map((secret) => {
              const granted = secret.notebooks.includes(notebookId);
              return (
                <li key={secret.name} class="secrets-row" aria-label={secret.name}>
                  <span class="secrets-name">
                    {secret.name}
                    {' '}
                    <button type="button" class="nb-link-button" aria-label={`${shown.has(secret.name) ? 'Hide' : 'Show'} value of ${secret.name}`} onClick={() => toggleShown(secret.name)}>
                      {shown.has(secret.name) ? secret.value : '••••••'}
                    </button>
                  </span>
                  <label>
                    <input
                      type="checkbox"
                      role="switch"
                      aria-label={`Notebook access for ${secret.name}`}
                      checked={granted}
                      onChange={() =>
                        void attempt(() => (granted ? revokeSecret(secret.name, notebookId) : grantSecret(secret.name, notebookId)))
                      }
                    />{' '}
                    Notebook access
                  </label>
                  <button
                    type="button"
                    class="button button-danger"
                    aria-label={`Delete secret ${secret.name}`}
                    onClick={() => void attempt(() => deleteSecret(secret.name))}
                  >
                    Delete
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <form
          class="secrets-add"
          onSubmit={(event) => {
            event.preventDefault();
            void attempt(() => addSecret(name.trim(), value)).then((ok) => {
              if (ok) {
                setName('');
                setValue('');
              }
            });
          }}
        >
          <label class="field">
            <span>Name</span>
            <input aria-label="Secret name" value={name} autocomplete="off" spellcheck={false} onInput={(e) => setName(e.currentTarget.value)} required />
          </label>
          <label class="field">
            <span>Value</span>
            <input aria-label="Secret value" type="password" value={value} autocomplete="off" onInput={(e) => setValue(e.currentTarget.value)} />
          </label>
          <button type="submit" class="button button-primary">
            Add secret
          </button>
        </form>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </PanelFrame>
  );
}
