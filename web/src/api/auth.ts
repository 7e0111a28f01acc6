// Auth API: state, first-run setup, sign-up, sign-in/out, password, API tokens.

import { del, get, post } from './http';
import type { ApiToken, AuthState, ItemId, NewApiToken, User } from './types';

export interface NewAccount {
  username: string;
  password: string;
  display_name?: string;
}

export const getAuthState = () => get<AuthState>('/api/auth/state');
export const setUp = (account: NewAccount) => post<{ user: User }>('/api/auth/setup', account);
export const signUp = (account: NewAccount) => post<{ user: User }>('/api/auth/signup', account);
export const logIn = (username: string, password: string) =>
  post<{ user: User }>('/api/auth/login', { username, password });
export const logOut = () => post<void>('/api/auth/logout');
export const changePassword = (current_password: string, new_password: string) =>
  post<void>('/api/auth/password', { current_password, new_password });

export const listTokens = () => get<ApiToken[]>('/api/auth/tokens');
export const createToken = (name: string) => post<NewApiToken>('/api/auth/tokens', { name });
export const revokeToken = (id: ItemId) => del(`/api/auth/tokens/${encodeURIComponent(String(id))}`);
