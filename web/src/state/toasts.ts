// Messages for the alert region: every API error's detail lands here unless a form shows it.

import { signal } from '@preact/signals';
import { ApiError } from '../api/http';

export interface Toast {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

export const toasts = signal<Toast[]>([]);
let nextId = 1;

export function dismissToast(id: number): void {
  toasts.value = toasts.value.filter((toast) => toast.id !== id);
}

export function showToast(text: string, kind: Toast['kind'] = 'info', timeoutMs = 8000): void {
  const id = nextId++;
  toasts.value = [...toasts.value.filter((toast) => toast.text !== text), { id, text, kind }];
  if (timeoutMs > 0) setTimeout(() => dismissToast(id), timeoutMs);
}

/** The sentence to show for any thrown thing. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isSignedOut(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code === 'signed_out';
}

/** Shows an error's detail; a sign-out is handled by the sign-in page instead. */
export function showError(error: unknown): void {
  if (isSignedOut(error)) return;
  showToast(errorText(error), 'error', 12000);
}

/** Runs an action and shows its error, if any. Resolves true on success. */
export async function attempt(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}
