// Administration: people, their quotas, and the hub's sign-up setting.

import { useEffect, useState } from 'preact/hooks';
import { addUser, getIsolation, getSettings, listUsers, updateUser } from '../api/admin';
import type { RuntimeIsolation } from '../api/admin';
import type { AdminSettings, AdminUser } from '../api/types';
import { Field, FormError } from '../components/Field';
import { PromptDialog } from '../components/PromptDialog';
import { bytesToGb, formatBytes, formatDate, GB } from '../lib/format';
import { useSubmit } from '../lib/useForm';
import { showDialog } from '../state/dialogs';
import { user } from '../state/session';
import { attempt, errorText, isSignedOut, showToast } from '../state/toasts';

function parseGb(text: string): number {
  const gb = Number(text.replace(',', '.'));
  if (!Number.isFinite(gb) || gb < 0) throw new Error('Type the quota as a number of GB, for example 15.');
  return Math.round(gb * GB);
}

const SANDBOX_TEXT: Record<RuntimeIsolation['sandbox'], string> = {
  'bwrap-setpriv': 'bubblewrap, kernels run as an unprivileged user',
  'bwrap-userns': 'bubblewrap in a user namespace',
  none: 'NONE: runtimes run unsandboxed, as the hub sees the machine',
};

const NETWORK_TEXT: Record<RuntimeIsolation['network'], string> = {
  internet: 'Each runtime has a network of its own and reaches the internet through slirp4netns; it cannot reach the hub, other runtimes or services on this machine’s loopback.',
  none: 'Each runtime has only its own loopback: no internet, nothing on this machine.',
  host: 'SHARED: runtimes use this machine’s network, so they can reach each other’s servers, the hub and loopback services.',
};

function IsolationCard({ iso }: { iso: RuntimeIsolation }) {
  return (
    <section class="card" aria-labelledby="isolation-title">
      <h2 id="isolation-title" class="card-title">
        Runtime isolation
      </h2>
      <dl class="settings-list">
        <dt>Sandbox</dt>
        <dd>{SANDBOX_TEXT[iso.sandbox] ?? iso.sandbox}</dd>
        <dt>Network</dt>
        <dd>
          {NETWORK_TEXT[iso.network] ?? iso.network}
          <span class="muted"> Set with NBCLOUD_RUNTIME_NETWORK (internet or none).</span>
        </dd>
        <dt>New namespaces</dt>
        <dd>{iso.namespaces_blocked ? 'Blocked: code in a runtime cannot unshare or enter namespaces.' : 'ALLOWED: code in a runtime can make namespaces of its own (unshare -r).'}</dd>
        <dt>Limits</dt>
        <dd>{iso.limits}</dd>
      </dl>
      {iso.reasons.length > 0 && (
        <ul class="form-error" aria-label="Isolation warnings">
          {iso.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddUserForm({ defaultQuota, onAdded }: { defaultQuota: number; onAdded: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [quota, setQuota] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const created = await addUser({
      username: username.trim(),
      password,
      is_admin: isAdmin,
      display_name: displayName.trim() || undefined,
      quota_bytes: quota.trim() ? parseGb(quota.trim()) : undefined,
    });
    showToast(`Added ${created.username}.`);
    setUsername('');
    setDisplayName('');
    setPassword('');
    setIsAdmin(false);
    setQuota('');
    onAdded();
  });
  return (
    <form class="card add-user" onSubmit={submit} aria-labelledby="add-user-title">
      <h2 id="add-user-title" class="card-title">
        Add user
      </h2>
      <div class="form-grid">
        <Field label="Username" required autoComplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <Field label="Display name" autoComplete="off" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        <Field label="Password" type="password" required autoComplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <Field
          label="Quota (GB)"
          type="number"
          min="0"
          step="any"
          placeholder={bytesToGb(defaultQuota)}
          value={quota}
          onInput={(e) => setQuota(e.currentTarget.value)}
        />
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.currentTarget.checked)} />
        <span>Administrator</span>
      </label>
      <FormError message={error} />
      <div>
        <button type="submit" class="button button-primary" disabled={busy}>
          Add user
        </button>
      </div>
    </form>
  );
}

export function AdminPage() {
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [settings, setSettings] = useState<AdminSettings | null>(null);
  const [isolation, setIsolation] = useState<RuntimeIsolation | null>(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const me = user.value;

  useEffect(() => {
    document.title = 'Admin – nbcloud';
    let live = true;
    Promise.all([listUsers(), getSettings()])
      .then(([people, hubSettings]) => {
        if (!live) return;
        setUsers(people);
        setSettings(hubSettings);
      })
      .catch((failure) => live && !isSignedOut(failure) && setError(errorText(failure)));
    getIsolation()
      .then((iso) => live && setIsolation(iso))
      .catch(() => undefined); // the page works without it; the hub's log says the same
    return () => {
      live = false;
    };
  }, [version]);

  if (!me?.is_admin) {
    return (
      <main class="page" aria-label="Admin">
        <h1 class="page-title">Admin</h1>
        <p class="form-error">Only administrators can open this page.</p>
      </main>
    );
  }

  const toggleDisabled = (person: AdminUser) =>
    attempt(async () => {
      await updateUser(person.id, { is_disabled: !person.is_disabled });
      showToast(`${person.username} is now ${person.is_disabled ? 'enabled' : 'disabled'}.`);
      reload();
    });

  const editQuota = (person: AdminUser) =>
    showDialog(
      <PromptDialog
        title={`Storage quota for ${person.username}`}
        label="Quota in GB"
        inputType="number"
        initial={bytesToGb(person.quota_bytes)}
        submitLabel="Save"
        onSubmit={async (text) => {
          await updateUser(person.id, { quota_bytes: parseGb(text) });
          reload();
        }}
      />,
    );

  return (
    <main class="page admin-page" aria-label="Admin">
      <div class="page-header">
        <h1 class="page-title">Admin</h1>
      </div>
      {error && (
        <p class="form-error" role="status">
          {error}
        </p>
      )}
      {settings && (
        <section class="card" aria-labelledby="settings-title">
          <h2 id="settings-title" class="card-title">
            Hub settings
          </h2>
          <dl class="settings-list">
            <dt>Sign-up</dt>
            <dd>
              {settings.signup === 'open' ? 'Open: anyone who reaches this hub can create an account.' : 'Closed: only administrators add people.'}
              <span class="muted"> Change it with the NBCLOUD_SIGNUP setting on the server.</span>
            </dd>
            <dt>Default quota</dt>
            <dd>{formatBytes(settings.default_quota_bytes)}</dd>
          </dl>
        </section>
      )}
      {isolation && <IsolationCard iso={isolation} />}
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title" class="card-title">
          Users
        </h2>
        {users === null ? (
          <p class="loading">Loading…</p>
        ) : (
          <table class="items users">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Admin</th>
                <th scope="col">Status</th>
                <th scope="col">Storage</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((person) => (
                <tr key={String(person.id)} class="item-row">
                  <td>{person.username}</td>
                  <td>{person.display_name || '—'}</td>
                  <td>{person.is_admin ? 'Yes' : 'No'}</td>
                  <td>
                    <span class={person.is_disabled ? 'badge badge-off' : 'badge badge-on'}>
                      {person.is_disabled ? 'Disabled' : 'Active'}
                    </span>
                  </td>
                  <td>
                    {formatBytes(person.used_bytes)} of {formatBytes(person.quota_bytes)}
                  </td>
                  <td>{formatDate(person.created_at)}</td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="button button-small"
                      aria-label={`Edit quota for ${person.username}`}
                      onClick={() => editQuota(person)}
                    >
                      Quota
                    </button>
                    <button
                      type="button"
                      class="button button-small"
                      aria-label={`${person.is_disabled ? 'Enable' : 'Disable'} ${person.username}`}
                      disabled={String(person.id) === String(me.id)}
                      onClick={() => toggleDisabled(person)}
                    >
                      {person.is_disabled ? 'Enable' : 'Disable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <AddUserForm defaultQuota={settings?.default_quota_bytes ?? 15 * GB} onAdded={reload} />
    </main>
  );
}
