// The runtime's /content of a notebook (the Files panel): /api/notebooks/{id}/runtime/files.
// Paths are below /content, "/"-separated ("" is /content itself).

import { csrfToken } from './csrf';
import { ApiError, NETWORK_ERROR_DETAIL, del, errorFromResponse, get, post, withQuery } from './http';

export type RuntimeFileKind = 'file' | 'folder' | 'link' | 'other';

export interface RuntimeFile {
  name: string;
  path: string;
  kind: RuntimeFileKind;
  size: number;
  modified: string;
  /** A link's text; the hub never follows links. */
  target: string | null;
  /** drive/MyDrive after drive.mount(): the person's Drive. */
  drive: boolean;
}

export interface RuntimeListing {
  path: string;
  entries: RuntimeFile[];
  truncated: boolean;
}

const filesUrl = (id: string, rest = '') => `/api/notebooks/${encodeURIComponent(id)}/runtime/files${rest}`;

export const listRuntimeFiles = (id: string, path: string) => get<RuntimeListing>(filesUrl(id), { path });
export const makeRuntimeFolder = (id: string, path: string) => post<RuntimeFile>(filesUrl(id, '/folders'), { path });
export const renameRuntimeFile = (id: string, path: string, to: string) =>
  post<RuntimeFile>(filesUrl(id, '/rename'), { path, to });
export const deleteRuntimeFile = (id: string, path: string) => del(withQuery(filesUrl(id), { path }));

/** Where a file's bytes are (inline for safe types; `download` makes it an attachment). */
export const runtimeFileUrl = (id: string, path: string, download = false) =>
  withQuery(filesUrl(id, '/content'), { path, download: download ? 1 : undefined });

/** The first `limit` bytes at `url` (HTTP Range), and the file's whole size: what the viewer reads. */
export async function readFileStart(url: string, limit: number): Promise<{ bytes: Uint8Array; size: number; type: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Range: `bytes=0-${limit - 1}` },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', NETWORK_ERROR_DETAIL);
  }
  if (response.status === 416) return { bytes: new Uint8Array(), size: 0, type: response.headers.get('content-type') ?? '' };
  if (!response.ok) throw errorFromResponse(response.status, response.statusText, await response.text());
  const bytes = new Uint8Array(await response.arrayBuffer());
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  return { bytes, size: range ? Number(range[1]) : bytes.length, type: response.headers.get('content-type') ?? '' };
}

export class RuntimeUploadCancelled extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'RuntimeUploadCancelled';
  }
}

/** Streams a file into /content with one PUT (XMLHttpRequest, for upload progress). */
export function uploadRuntimeFile(
  id: string,
  path: string,
  file: Blob,
  options: { overwrite?: boolean; onProgress?: (loaded: number) => void; signal?: AbortSignal } = {},
): Promise<RuntimeFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const done = () => options.signal?.removeEventListener('abort', abort);
    xhr.open('PUT', withQuery(filesUrl(id, '/content'), { path, overwrite: options.overwrite ? 'true' : undefined }));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded);
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as RuntimeFile);
      else reject(errorFromResponse(xhr.status, xhr.statusText, xhr.responseText));
    };
    xhr.onerror = xhr.ontimeout = () => {
      done();
      reject(new ApiError(0, 'network', NETWORK_ERROR_DETAIL));
    };
    xhr.onabort = () => {
      done();
      reject(new RuntimeUploadCancelled());
    };
    options.signal?.addEventListener('abort', abort);
    xhr.send(file);
  });
}
