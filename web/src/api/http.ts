// The one place that talks JSON to the hub: CSRF header, error bodies, signed-out handling.

import { csrfToken } from './csrf';

export interface ErrorBody {
  detail?: string;
  code?: string;
  [key: string]: unknown;
}

/** An error answer from the hub (or no answer at all: status 0, code "network"). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ErrorBody;

  constructor(status: number, code: string, detail: string, body: ErrorBody = {}) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }

  get detail(): string {
    return this.message;
  }
}

export const NETWORK_ERROR_DETAIL = 'Cannot reach the server. Check your connection and try again.';

let signedOutHandler: (() => void) | null = null;

/** Called whenever any request answers 401 signed_out. */
export function onSignedOut(handler: () => void): void {
  signedOutHandler = handler;
}

export function notifySignedOut(): void {
  signedOutHandler?.();
}

/** Turns a non-2xx status and its (maybe JSON) body into an ApiError, and reports sign-outs. */
export function errorFromResponse(status: number, statusText: string, text: string): ApiError {
  let body: ErrorBody = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as ErrorBody;
  } catch {
    // not JSON: fall through to the status line
  }
  let detail = typeof body.detail === 'string' ? body.detail : '';
  if (!detail && Array.isArray(body.detail)) detail = 'The request was not valid. Check the fields and try again.';
  if (!detail) detail = `The server answered ${status} ${statusText}.`.replace(' .', '.');
  const code = typeof body.code === 'string' ? body.code : `http_${status}`;
  if (status === 401 && code === 'signed_out') notifySignedOut();
  return new ApiError(status, code, detail, body);
}

export type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Sends a JSON request and returns the parsed answer (undefined for 204). */
export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (!isSafeMethod(method)) headers['X-CSRF-Token'] = csrfToken();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', NETWORK_ERROR_DETAIL);
  }
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(response.status, response.statusText, text);
  if (!text) return undefined as T;
  return JSON.parse(text) as T;
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const del = <T = void>(path: string) => request<T>('DELETE', path);
