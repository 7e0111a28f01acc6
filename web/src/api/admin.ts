// Admin API: people and the hub's settings (administrators only).

import { get, patch, post } from './http';
import type { AdminSettings, AdminUser, ItemId, User } from './types';

export interface NewUser {
  username: string;
  password: string;
  is_admin?: boolean;
  quota_bytes?: number;
  display_name?: string;
}

export interface UserChanges {
  is_disabled?: boolean;
  is_admin?: boolean;
  quota_bytes?: number;
  password?: string;
  display_name?: string;
}

export const listUsers = () => get<AdminUser[]>('/api/admin/users');
export const addUser = (user: NewUser) => post<User>('/api/admin/users', user);
export const updateUser = (id: ItemId, changes: UserChanges) =>
  patch<User>(`/api/admin/users/${encodeURIComponent(String(id))}`, changes);
export const getSettings = () => get<AdminSettings>('/api/admin/settings');

/** What protects runtimes from each other and from the host on this machine. */
export interface RuntimeIsolation {
  sandbox: 'bwrap-setpriv' | 'bwrap-userns' | 'none';
  limits: string;
  uid: number;
  /** internet / none: each runtime has a network of its own; host: runtimes share the hub's. */
  network: 'internet' | 'none' | 'host';
  namespaces_blocked: boolean;
  /** Why weaker protection than intended is in force. */
  reasons: string[];
}

export const getIsolation = () => get<RuntimeIsolation>('/api/admin/isolation');
