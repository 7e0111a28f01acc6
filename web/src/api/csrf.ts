// The CSRF token the hub expects in X-CSRF-Token on every state-changing request.

const COOKIE = 'nbcloud_csrf';
let fromAuthState = '';

/** Remembers the token from GET /api/auth/state, used if the cookie cannot be read. */
export function rememberCsrfToken(token: string): void {
  fromAuthState = token;
}

export function csrfToken(): string {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(rest.join('='));
  }
  return fromAuthState;
}
