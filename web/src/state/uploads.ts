// The upload queue behind the Uploads panel: a few files at a time, folders created first.

import { signal, type Signal } from '@preact/signals';
import { createFolder } from '../api/drive';
import { ApiError } from '../api/http';
import { UploadCancelled, uploadFile } from '../api/uploads';
import { driveChanged } from './drive';
import { errorText, showError } from './toasts';

export type UploadState = 'queued' | 'uploading' | 'done' | 'error' | 'cancelled';

export interface UploadEntry {
  key: number;
  name: string;
  /** Destination folder path. */
  parent: string;
  size: number;
  file: File;
  loaded: Signal<number>;
  state: Signal<UploadState>;
  error: Signal<string>;
  controller: AbortController;
}

/** A file with the folder it goes into, relative to the drop target ("" for the target itself). */
export interface FileInFolder {
  dir: string;
  /** null for an empty folder, which is only created. */
  file: File | null;
}

const PARALLEL = 3;
let nextKey = 1;

export const uploads = signal<UploadEntry[]>([]);
export const uploadsPanelOpen = signal(false);
export const uploadsPanelMinimized = signal(false);

const joinPath = (parent: string, name: string) => (parent ? `${parent}/${name}` : name);

function pump(): void {
  const running = uploads.value.filter((entry) => entry.state.value === 'uploading').length;
  const waiting = uploads.value.filter((entry) => entry.state.value === 'queued');
  for (const entry of waiting.slice(0, Math.max(0, PARALLEL - running))) void run(entry);
}

async function run(entry: UploadEntry): Promise<void> {
  entry.state.value = 'uploading';
  try {
    await uploadFile({
      parent: entry.parent,
      file: entry.file,
      signal: entry.controller.signal,
      onProgress: (loaded) => {
        entry.loaded.value = Math.min(loaded, entry.size);
      },
    });
    entry.loaded.value = entry.size;
    entry.state.value = 'done';
    driveChanged();
  } catch (error) {
    if (error instanceof UploadCancelled) {
      entry.state.value = 'cancelled';
    } else {
      entry.state.value = 'error';
      entry.error.value = errorText(error);
      showError(error);
    }
  } finally {
    pump();
  }
}

/** Queues files for one folder. */
export function uploadFiles(parent: string, files: Iterable<File>): void {
  const added: UploadEntry[] = [];
  for (const file of files) {
    added.push({
      key: nextKey++,
      name: file.name,
      parent,
      size: file.size,
      file,
      loaded: signal(0),
      state: signal<UploadState>('queued'),
      error: signal(''),
      controller: new AbortController(),
    });
  }
  if (!added.length) return;
  uploads.value = [...uploads.value, ...added];
  uploadsPanelOpen.value = true;
  uploadsPanelMinimized.value = false;
  pump();
}

/** Creates a folder unless it is already there. */
async function ensureFolder(parent: string, name: string): Promise<void> {
  try {
    await createFolder(parent, name);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'name_taken') return;
    throw error;
  }
}

/** Uploads a tree (a picked or dropped folder): makes its folders, then queues its files. */
export async function uploadTree(parent: string, entries: FileInFolder[]): Promise<void> {
  const dirs = new Set<string>();
  for (const { dir } of entries) {
    const parts = dir.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const ordered = [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  try {
    for (const dir of ordered) {
      const slash = dir.lastIndexOf('/');
      const dirParent = slash < 0 ? '' : dir.slice(0, slash);
      await ensureFolder(joinPath(parent, dirParent).replace(/\/$/, ''), dir.slice(slash + 1));
    }
  } catch (error) {
    showError(error);
    return;
  } finally {
    if (ordered.length) driveChanged();
  }
  const byDir = new Map<string, File[]>();
  for (const { dir, file } of entries) {
    if (!file) continue; // an empty folder: made above
    const key = dir.split('/').filter(Boolean).join('/');
    byDir.set(key, [...(byDir.get(key) ?? []), file]);
  }
  for (const [dir, files] of byDir) uploadFiles(dir ? joinPath(parent, dir) : parent, files);
}

export function cancelUploadEntry(entry: UploadEntry): void {
  if (entry.state.value === 'queued') {
    entry.state.value = 'cancelled';
    return;
  }
  entry.controller.abort();
}

export function clearFinishedUploads(): void {
  uploads.value = uploads.value.filter((entry) => entry.state.value === 'queued' || entry.state.value === 'uploading');
  if (!uploads.value.length) uploadsPanelOpen.value = false;
}
