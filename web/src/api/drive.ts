// Drive API: listing, folders, rename/move, trash, usage, downloads.

import { del, get, patch, post, withQuery } from './http';
import type { DriveItem, FolderListing, ItemId, SortKey, SortOrder, Usage } from './types';

const itemUrl = (id: ItemId) => `/api/drive/items/${encodeURIComponent(String(id))}`;
const trashUrl = (id: ItemId) => `/api/drive/trash/${encodeURIComponent(String(id))}`;

export const listFolder = (path: string, sort: SortKey = 'name', order: SortOrder = 'asc') =>
  get<FolderListing>('/api/drive/list', { path, sort, order });
export const getItem = (id: ItemId) => get<DriveItem>(itemUrl(id));
export const createFolder = (parent: string, name: string) => post<DriveItem>('/api/drive/folders', { parent, name });
export const renameItem = (id: ItemId, name: string) => patch<DriveItem>(itemUrl(id), { name });
export const moveItem = (id: ItemId, parent: string) => patch<DriveItem>(itemUrl(id), { parent });
export const trashItem = (id: ItemId) => del<DriveItem>(itemUrl(id));

export const listTrash = () => get<{ items: DriveItem[] }>('/api/drive/trash');
export const restoreItem = (id: ItemId) => post<DriveItem>(`${trashUrl(id)}/restore`);
export const deleteForever = (id: ItemId) => del(trashUrl(id));
export const emptyTrash = () => del('/api/drive/trash');

export const getUsage = () => get<Usage>('/api/drive/usage');

/** The URL that serves an item's bytes; as an attachment when `download`. */
export const contentUrl = (id: ItemId, download = false) =>
  withQuery(`${itemUrl(id)}/content`, download ? { download: 1 } : undefined);
