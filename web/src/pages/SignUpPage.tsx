// Create an account, when the hub's sign-up is open.

import { useState } from 'preact/hooks';
import { AuthCard } from '../components/AuthCard';
import { Field, FormError } from '../components/Field';
import { Link } from '../components/Link';
import { useSubmit } from '../lib/useForm';
import { navigate } from '../state/router';
import { authState, signUp } from '../state/session';
import { afterSignIn } from './SignInPage';

export function SignUpPage() {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, setError, submit } = useSubmit(async () => {
    if (password !== confirm) {
      setError('The two passwords differ. Type the same password twice.');
      return;
    }
    await signUp({ username: username.trim(), password, display_name: displayName.trim() || undefined });
    navigate(afterSignIn(), { replace: true });
  });
  if (!authState.value?.signup_open) {
    return (
      <AuthCard title="Sign-up is closed" subtitle="Ask an administrator of this hub for an account.">
        <p class="auth-switch">
          <Link href="/signin">Sign in</Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create account" subtitle="Your own Drive and notebooks on this hub">
      <form class="stack" onSubmit={submit}>
        <Field label="Username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <Field label="Display name" autoComplete="name" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        <Field label="Password" type="password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <Field label="Confirm password" type="password" autoComplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
        <FormError message={error} />
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          Create account
        </button>
      </form>
      <p class="auth-switch">
        Have an account? <Link href="/signin">Sign in</Link>
      </p>
    </AuthCard>
  );
}
