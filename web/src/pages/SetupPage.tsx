// First visit: create the administrator account.

import { useState } from 'preact/hooks';
import { AuthCard } from '../components/AuthCard';
import { Field, FormError } from '../components/Field';
import { useSubmit } from '../lib/useForm';
import { navigate } from '../state/router';
import { setUp } from '../state/session';

export function SetupPage() {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, setError, submit } = useSubmit(async () => {
    if (password !== confirm) {
      setError('The two passwords differ. Type the same password twice.');
      return;
    }
    await setUp({ username: username.trim(), password, display_name: displayName.trim() || undefined });
    navigate('/drive', { replace: true });
  });
  return (
    <AuthCard
      title="Create the administrator account"
      subtitle="Welcome to nbcloud. The first account administers this hub: it adds people and sets their storage."
    >
      <form class="stack" onSubmit={submit}>
        <Field label="Username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <Field label="Display name" autoComplete="name" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        <Field label="Password" type="password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <Field label="Confirm password" type="password" autoComplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
        <FormError message={error} />
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          Create administrator account
        </button>
      </form>
    </AuthCard>
  );
}
