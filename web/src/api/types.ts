// Shapes of the hub's REST answers (docs/api.md).

export type ItemId = string | number;

export interface User {
  id: ItemId;
  username: string;
  display_name: string;
  is_admin: boolean;
  is_disabled: boolean;
  quota_bytes: number;
  created_at: string;
}

export interface AdminUser extends User {
  used_bytes: number;
}

export interface AuthState {
  needs_setup: boolean;
  signup_open: boolean;
  user: User | null;
  csrf_token: string;
}

export interface ApiToken {
  id: ItemId;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface NewApiToken {
  id: ItemId;
  name: string;
  token: string;
}

export interface AdminSettings {
  signup: 'open' | 'closed';
  default_quota_bytes: number;
}

export interface DriveItem {
  id: ItemId;
  name: string;
  path: string;
  is_folder: boolean;
  size: number;
  modified: string;
  mime: string;
  trashed_at?: string;
  original_path?: string;
}

export interface Breadcrumb {
  name: string;
  path: string;
}

export interface FolderListing {
  path: string;
  breadcrumbs: Breadcrumb[];
  items: DriveItem[];
}

export type SortKey = 'name' | 'modified' | 'size';
export type SortOrder = 'asc' | 'desc';

export interface Usage {
  used_bytes: number;
  quota_bytes: number;
}

export interface UploadSession {
  id: string;
  offset: number;
  size: number;
  chunk_size: number;
}

export interface UploadStatus {
  id: string;
  offset: number;
  size: number;
  item?: DriveItem;
}
