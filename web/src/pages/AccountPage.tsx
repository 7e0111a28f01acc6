// Your account: settings (theme, editor), change the password, manage API tokens.

import { useEffect, useState } from 'preact/hooks';
import { changePassword, createToken, listTokens, revokeToken } from '../api/auth';
import type { ApiToken, NewApiToken } from '../api/types';
import { Field, FormError } from '../components/Field';
import { formatDate } from '../lib/format';
import { useSubmit } from '../lib/useForm';
import { openSettings } from '../notebook/settings/SettingsDialog';
import { user } from '../state/session';
import { attempt, errorText, isSignedOut, showToast } from '../state/toasts';

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, setError, submit } = useSubmit(async () => {
    if (next !== confirm) {
      setError('The new passwords differ. Type the same new password twice.');
      return;
    }
    await changePassword(current, next);
    setCurrent('');
    setNext('');
    setConfirm('');
    showToast('Your password is changed.');
  });
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title" class="card-title">
        Change password
      </h2>
      <Field label="Current password" type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
      <Field label="New password" type="password" autoComplete="new-password" required value={next} onInput={(e) => setNext(e.currentTarget.value)} />
      <Field label="Confirm new password" type="password" autoComplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
      <FormError message={error} />
      <div>
        <button type="submit" class="button button-primary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}

function TokenSection() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const [loadError, setLoadError] = useState('');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    listTokens()
      .then((list) => live && setTokens(list))
      .catch((failure) => live && !isSignedOut(failure) && setLoadError(errorText(failure)));
    return () => {
      live = false;
    };
  }, [version]);

  const { busy, error, submit } = useSubmit(async () => {
    setCreated(await createToken(name.trim()));
    setName('');
    setVersion((v) => v + 1);
  });

  const revoke = (token: ApiToken) =>
    attempt(async () => {
      await revokeToken(token.id);
      if (created && String(created.id) === String(token.id)) setCreated(null);
      setVersion((v) => v + 1);
    });

  return (
    <section class="card stack" aria-labelledby="tokens-title">
      <h2 id="tokens-title" class="card-title">
        API tokens
      </h2>
      <p class="muted">Scripts and the command line use a token instead of your password: send it as “Authorization: Bearer …”.</p>
      <form class="inline-form" onSubmit={submit}>
        <Field label="Token name" required placeholder="e.g. laptop" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" class="button button-primary" disabled={busy}>
          Create token
        </button>
      </form>
      <FormError message={error} />
      {created && (
        <div class="token-once" role="status">
          <p>
            Your new token “{created.name}”. Copy it now: it is shown only once.
          </p>
          <div class="token-value-row">
            <code class="token-value" aria-label="New API token">
              {created.token}
            </code>
            <button
              type="button"
              class="button button-small"
              onClick={() =>
                navigator.clipboard
                  ?.writeText(created.token)
                  .then(() => showToast('Token copied.'))
                  .catch(() => showToast('Select the token and copy it by hand.'))
              }
            >
              Copy
            </button>
          </div>
        </div>
      )}
      {loadError && <p class="form-error">{loadError}</p>}
      {tokens && tokens.length === 0 && <p class="muted">No tokens yet.</p>}
      {tokens && tokens.length > 0 && (
        <table class="items">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={String(token.id)} class="item-row">
                <td>{token.name}</td>
                <td>{formatDate(token.created_at)}</td>
                <td>{token.last_used_at ? formatDate(token.last_used_at) : 'Never'}</td>
                <td class="row-actions">
                  <button type="button" class="button button-small button-danger-text" aria-label={`Revoke ${token.name}`} onClick={() => revoke(token)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AccountPage() {
  useEffect(() => {
    document.title = 'Account – nbcloud';
  }, []);
  const who = user.value;
  return (
    <main class="page account-page" aria-label="Account">
      <div class="page-header">
        <h1 class="page-title">Account</h1>
      </div>
      {who && (
        <section class="card" aria-label="Profile">
          <dl class="settings-list">
            <dt>Username</dt>
            <dd>{who.username}</dd>
            <dt>Name</dt>
            <dd>{who.display_name || '—'}</dd>
            <dt>Role</dt>
            <dd>{who.is_admin ? 'Administrator' : 'Member'}</dd>
          </dl>
        </section>
      )}
      <section class="card stack" aria-labelledby="settings-title">
        <h2 id="settings-title" class="card-title">
          Settings
        </h2>
        <p class="muted">Theme (light, dark or your system's) and the code editor: indentation, line numbers, font size, vim keys.</p>
        <div>
          <button type="button" class="button" onClick={openSettings}>
            Open settings
          </button>
        </div>
      </section>
      <PasswordForm />
      <TokenSection />
    </main>
  );
}
