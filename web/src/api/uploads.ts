// The resumable upload engine: create an upload, PATCH chunks with Upload-Offset, resume after
// network errors and 5xx answers by asking the hub where to go on from.

import { csrfToken } from './csrf';
import { ApiError, NETWORK_ERROR_DETAIL, del, errorFromResponse, get, post } from './http';
import type { DriveItem, UploadSession, UploadStatus } from './types';

export interface UploadOptions {
  /** Drive path of the destination folder ("" is My Drive). */
  parent: string;
  file: File;
  /** Called with the number of bytes the hub holds or is receiving. */
  onProgress?: (loaded: number) => void;
  signal?: AbortSignal;
  overwrite?: boolean;
  /** How many failed attempts in a row are tolerated before giving up. */
  maxRetries?: number;
  /** First backoff in milliseconds; doubles each retry. */
  retryDelayMs?: number;
}

export class UploadCancelled extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'UploadCancelled';
  }
}

/** A chunk that did not arrive: no answer, or a 5xx. Worth retrying. */
class TransientFailure extends Error {}

const uploadUrl = (id: string) => `/api/drive/uploads/${encodeURIComponent(id)}`;

const createUpload = (parent: string, name: string, size: number, overwrite: boolean) =>
  post<UploadSession>('/api/drive/uploads', { parent, name, size, overwrite });

export const uploadStatus = (id: string) => get<UploadStatus>(uploadUrl(id));
export const cancelUpload = (id: string) => del(uploadUrl(id));

interface ChunkAnswer {
  status: number;
  text: string;
  statusText: string;
}

/** PATCHes one chunk through XMLHttpRequest, whose upload.onprogress moves the bar smoothly. */
function sendChunk(
  id: string,
  offset: number,
  chunk: Blob,
  onProgress: (sent: number) => void,
  signal: AbortSignal,
): Promise<ChunkAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    xhr.open('PATCH', uploadUrl(id));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Upload-Offset', String(offset));
    xhr.setRequestHeader('Content-Type', 'application/offset+octet-stream');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      signal.removeEventListener('abort', abort);
      resolve({ status: xhr.status, text: xhr.responseText, statusText: xhr.statusText });
    };
    xhr.onerror = xhr.ontimeout = () => {
      signal.removeEventListener('abort', abort);
      reject(new TransientFailure(NETWORK_ERROR_DETAIL));
    };
    xhr.onabort = () => {
      signal.removeEventListener('abort', abort);
      reject(new UploadCancelled());
    };
    signal.addEventListener('abort', abort);
    xhr.send(chunk);
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(new UploadCancelled());
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Uploads one file into a Drive folder. Resolves with the new item (null if the hub finished
 * the file while its last answer was lost). Rejects with UploadCancelled after `signal` aborts
 * (the partial upload is deleted), or with an ApiError for a refusal or too many failures.
 */
export async function uploadFile(options: UploadOptions): Promise<DriveItem | null> {
  const { parent, file, overwrite = false, maxRetries = 5, retryDelayMs = 500 } = options;
  const signal = options.signal ?? new AbortController().signal;
  const report = options.onProgress ?? (() => {});
  if (signal.aborted) throw new UploadCancelled();

  const session = await createUpload(parent, file.name, file.size, overwrite);
  const id = session.id;
  const chunkSize = Math.max(1, session.chunk_size || 8 * 1024 * 1024);
  let offset = session.offset;
  let failures = 0;
  let lastError = NETWORK_ERROR_DETAIL;
  report(offset);

  const giveUpOnCancel = (error: unknown): never => {
    if (error instanceof UploadCancelled || signal.aborted) {
      cancelUpload(id).catch(() => {});
      throw new UploadCancelled();
    }
    throw error;
  };

  /** After a failed chunk: back off, then ask the hub where to resume. True if the file is done. */
  const recordFailure = async (detail: string, reachedEnd: boolean): Promise<boolean> => {
    failures += 1;
    lastError = detail;
    if (failures > maxRetries) {
      throw new ApiError(0, 'upload_failed', `${lastError} The upload stopped after ${maxRetries} retries.`);
    }
    await sleep(retryDelayMs * 2 ** (failures - 1), signal);
    try {
      offset = (await uploadStatus(id)).offset;
      report(offset);
    } catch (error) {
      // The last chunk arrived and completed the file, but its answer was lost: the upload is gone.
      if (reachedEnd && error instanceof ApiError && error.status === 404) return true;
      // Still unreachable, or refused: a refusal (4xx) ends the upload, the rest retries.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw error;
    }
    return false;
  };

  try {
    for (;;) {
      const end = Math.min(offset + chunkSize, file.size);
      const chunk = file.slice(offset, end);
      const start = offset;
      let answer: ChunkAnswer;
      try {
        answer = await sendChunk(id, start, chunk, (sent) => report(start + sent), signal);
        if (answer.status >= 500) {
          throw new TransientFailure(errorFromResponse(answer.status, answer.statusText, answer.text).detail);
        }
      } catch (error) {
        if (!(error instanceof TransientFailure)) throw error;
        if (await recordFailure(error.message, end >= file.size)) return null;
        continue;
      }

      if (answer.status === 409) {
        const mismatch = errorFromResponse(answer.status, answer.statusText, answer.text);
        if (mismatch.code === 'upload_busy') {
          // An earlier, dropped request is still being written on the hub: wait and resume.
          if (await recordFailure(mismatch.detail, end >= file.size)) return null;
          continue;
        }
        if (mismatch.code !== 'offset_mismatch' || typeof mismatch.body.offset !== 'number') throw mismatch;
        failures += 1;
        if (failures > maxRetries) throw mismatch;
        offset = mismatch.body.offset;
        report(offset);
        continue;
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw errorFromResponse(answer.status, answer.statusText, answer.text);
      }

      const status = JSON.parse(answer.text) as UploadStatus;
      failures = 0;
      if (status.offset <= start && end > start) {
        throw new ApiError(0, 'upload_stalled', 'The server did not accept any bytes of this file.');
      }
      offset = status.offset;
      report(offset);
      if (status.item) return status.item;
      if (offset >= file.size) {
        if (end === start) return null; // nothing left to send and no item: the hub kept it anyway
        // Every byte arrived but the hub did not finish the file (the connection dropped at the
        // very end): an empty PATCH at the end completes it.
        continue;
      }
    }
  } catch (error) {
    return giveUpOnCancel(error);
  }
}
