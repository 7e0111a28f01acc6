// Sign in; comes back to ?next= afterwards.

import { useState } from 'preact/hooks';
import { AuthCard } from '../components/AuthCard';
import { Field, FormError } from '../components/Field';
import { Link } from '../components/Link';
import { useSubmit } from '../lib/useForm';
import { navigate, queryParam } from '../state/router';
import { authState, signIn, signInNotice } from '../state/session';

/** Where to go after signing in: ?next= when it is a path on this site, else My Drive. */
export function afterSignIn(): string {
  const next = queryParam('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/drive';
}

export function SignInPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await signIn(username.trim(), password);
    navigate(afterSignIn(), { replace: true });
  });
  const notice = signInNotice.value;
  const next = queryParam('next');
  return (
    <AuthCard title="Sign in" subtitle="to continue to nbcloud">
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form class="stack" onSubmit={submit}>
        <Field label="Username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <Field label="Password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <FormError message={error} />
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          Sign in
        </button>
      </form>
      {authState.value?.signup_open && (
        <p class="auth-switch">
          New here? <Link href={next ? `/signup?next=${encodeURIComponent(next)}` : '/signup'}>Create account</Link>
        </p>
      )}
    </AuthCard>
  );
}
