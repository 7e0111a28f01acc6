// Routes: first-run setup, sign-in/up, and the signed-in app (Drive, Trash, Admin, Account).

import { useEffect, useState } from 'preact/hooks';
import { Redirect } from './components/Redirect';
import { SideNav } from './components/SideNav';
import { Toasts } from './components/Toasts';
import { TopBar } from './components/TopBar';
import { UploadPanel } from './components/UploadPanel';
import { AccountPage } from './pages/AccountPage';
import { AdminPage } from './pages/AdminPage';
import { DrivePage } from './pages/DrivePage';
import { NotebookPage } from './pages/NotebookPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SetupPage } from './pages/SetupPage';
import { afterSignIn, SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { TrashPage } from './pages/TrashPage';
import { openDialog } from './state/dialogs';
import './state/preferences';
import { currentUrl, location } from './state/router';
import { authState, loadAuthState, signInUrl, user } from './state/session';
import { errorText } from './state/toasts';

function SignedInPage({ path }: { path: string }) {
  if (path === '/' || path === '') return <Redirect to="/drive" />;
  if (path === '/drive' || path.startsWith('/drive/')) return <DrivePage />;
  if (path === '/trash') return <TrashPage />;
  if (path === '/admin') return user.value?.is_admin ? <AdminPage /> : <Redirect to="/drive" />;
  if (path === '/account') return <AccountPage />;
  const notebook = /^\/notebook\/([^/]+)\/?$/.exec(path);
  if (notebook) return <NotebookPage id={decodeURIComponent(notebook[1])} />;
  return <NotFoundPage />;
}

function Routes() {
  const state = authState.value;
  const path = location.value.path;
  if (state!.needs_setup) return path === '/setup' ? <SetupPage /> : <Redirect to="/setup" />;
  if (path === '/setup') return <Redirect to={state!.user ? '/drive' : '/signin'} />;
  if (!state!.user) {
    if (path === '/signin') return <SignInPage />;
    if (path === '/signup') return <SignUpPage />;
    return <Redirect to={signInUrl(currentUrl())} />;
  }
  if (path === '/signin' || path === '/signup') return <Redirect to={afterSignIn()} />;
  return (
    <div class="shell">
      <TopBar />
      <div class="shell-body">
        <SideNav />
        <SignedInPage path={path} />
      </div>
      <UploadPanel />
    </div>
  );
}

export function App() {
  const [failure, setFailure] = useState('');
  useEffect(() => {
    loadAuthState().catch((error) => setFailure(errorText(error)));
  }, []);
  return (
    <>
      {failure ? (
        <main class="auth-page">
          <div class="auth-card" role="alert">
            <h1 class="auth-title">nbcloud is not reachable</h1>
            <p>{failure}</p>
          </div>
        </main>
      ) : authState.value ? (
        <Routes />
      ) : (
        <p class="loading" role="status">
          Loading…
        </p>
      )}
      {openDialog.value}
      <Toasts />
    </>
  );
}
