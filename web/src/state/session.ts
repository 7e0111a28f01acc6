// Who is signed in, first-run setup, and what happens when the session runs out.

import { computed, signal } from '@preact/signals';
import * as authApi from '../api/auth';
import { rememberCsrfToken } from '../api/csrf';
import { onSignedOut } from '../api/http';
import type { AuthState, User } from '../api/types';
import { currentUrl, navigate } from './router';

export const authState = signal<AuthState | null>(null);
export const user = computed<User | null>(() => authState.value?.user ?? null);
/** A sentence for the sign-in page, e.g. after the session expired. */
export const signInNotice = signal('');

export const SESSION_EXPIRED = 'Your session has expired. Sign in again.';
export const SIGNED_OUT_ELSEWHERE =
  'You were signed out (in another tab, by a password change, or by an administrator). Sign in again.';

export async function loadAuthState(): Promise<AuthState> {
  const state = await authApi.getAuthState();
  rememberCsrfToken(state.csrf_token);
  authState.value = state;
  return state;
}

function signedIn(who: User): void {
  signInNotice.value = '';
  if (authState.value) authState.value = { ...authState.value, user: who, needs_setup: false };
  // The hub gives a signed-in session its own CSRF token; pick it up.
  loadAuthState().catch(() => {});
}

export async function signIn(username: string, password: string): Promise<void> {
  signedIn((await authApi.logIn(username, password)).user);
}

export async function setUp(account: authApi.NewAccount): Promise<void> {
  signedIn((await authApi.setUp(account)).user);
}

export async function signUp(account: authApi.NewAccount): Promise<void> {
  signedIn((await authApi.signUp(account)).user);
}

export async function signOut(): Promise<void> {
  try {
    await authApi.logOut();
  } finally {
    if (authState.value) authState.value = { ...authState.value, user: null };
    await loadAuthState().catch(() => {});
    navigate('/signin');
  }
}

/** The sign-in URL that comes back to `returnTo` afterwards. */
export function signInUrl(returnTo: string): string {
  const keep = returnTo && !returnTo.startsWith('/signin') && !returnTo.startsWith('/signup') && returnTo !== '/';
  return keep ? `/signin?next=${encodeURIComponent(returnTo)}` : '/signin';
}

function toSignIn(notice: string): void {
  if (!authState.value?.user) return;
  const here = currentUrl();
  signInNotice.value = notice;
  authState.value = { ...authState.value, user: null };
  navigate(signInUrl(here), { replace: true });
}

onSignedOut(() => toSignIn(SESSION_EXPIRED));

/** The hub closed an open notebook's socket with 4401: this session ended somewhere else. */
export function signedOutElsewhere(): void {
  toSignIn(SIGNED_OUT_ELSEWHERE);
}
