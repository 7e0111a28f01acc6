// Secrets API: each person's own secrets, and which notebooks may read them (userdata.get).

import { del, get, post, request } from './http';

export interface Secret {
  name: string;
  value: string;
  /** Drive item ids of the notebooks that may read it. */
  notebooks: string[];
  updated_at: string;
}

const secretUrl = (name: string) => `/api/secrets/${encodeURIComponent(name)}`;

export const listSecrets = () => get<Secret[]>('/api/secrets');
export const addSecret = (name: string, value: string) => post<Secret>('/api/secrets', { name, value });
export const deleteSecret = (name: string) => del(secretUrl(name));
export const grantSecret = (name: string, notebookId: string) =>
  request<Secret>('PUT', `${secretUrl(name)}/grants/${encodeURIComponent(notebookId)}`);
export const revokeSecret = (name: string, notebookId: string) =>
  request<Secret>('DELETE', `${secretUrl(name)}/grants/${encodeURIComponent(notebookId)}`);
