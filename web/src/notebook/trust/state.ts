// Whether this person trusts a notebook (GET/POST /api/trust/{id}), one signal per notebook: its
// outputs hold back saved script until it is trusted, and its first run asks (hub.trust).

import { signal, type Signal } from '@preact/signals';
import { ApiError, get, post } from '../../api/http';

export const NOT_TRUSTED = 'notebook_not_trusted';

interface TrustAnswer {
  trusted: boolean;
  reason: string | null;
}

const states = new Map<string, Signal<boolean | null>>();

/** True or false once the hub said; null until then (nothing is held back on a guess either way:
 * saved script waits for `true`). */
export function trustOf(notebookId: string): Signal<boolean | null> {
  let state = states.get(notebookId);
  if (!state) states.set(notebookId, (state = signal<boolean | null>(null)));
  return state;
}

const trustUrl = (id: string) => `/api/trust/${encodeURIComponent(id)}`;

export async function loadTrust(notebookId: string): Promise<void> {
  const answer = await get<TrustAnswer>(trustUrl(notebookId));
  trustOf(notebookId).value = answer.trusted;
}

/** The person trusts the notebook as it is now. */
export async function trustNotebook(notebookId: string): Promise<void> {
  await post<TrustAnswer>(trustUrl(notebookId));
  trustOf(notebookId).value = true;
}

/** The hub refused a run because the notebook is not trusted (over HTTP or the events socket). */
export function isNotTrusted(error: unknown): boolean {
  return (error instanceof ApiError || error instanceof Error) && (error as { code?: string }).code === NOT_TRUSTED;
}
