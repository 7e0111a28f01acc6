// Notebooks API: new notebooks, running cells, interrupt/restart, the runtime's status.

import { ApiError, errorFromResponse, get, NETWORK_ERROR_DETAIL, post } from './http';
import type { DriveItem } from './types';

const notebookUrl = (id: string) => `/api/notebooks/${encodeURIComponent(id)}`;

export type RuntimeState = 'none' | 'starting' | 'idle' | 'busy' | 'dead';

export interface RuntimeUsage {
  memory_rss_bytes: number | null;
  memory_limit_bytes: number | null;
  disk_used_bytes: number | null;
  gpus: unknown[] | null;
}

export interface RuntimeStatus {
  type: 'runtime';
  status: RuntimeState;
  message: string | null;
  /** While the runtime waits for a kernel start slot: its place in line (1 = next). */
  place?: number | null;
  running: string | null;
  queued: string[];
  usage?: RuntimeUsage;
}

/** A new notebook (Untitled0.ipynb, ...) in `parent` (a Drive folder path). */
export const createNotebook = (parent: string) => post<DriveItem>('/api/notebooks', { parent });

export const executeCells = (id: string, cellIds: string[]) =>
  post<{ queued: string[] }>(`${notebookUrl(id)}/execute`, { cell_ids: cellIds });
export const connectRuntime = (id: string) => post<void>(`${notebookUrl(id)}/connect`);
export const interruptRuntime = (id: string) => post<void>(`${notebookUrl(id)}/interrupt`);
export const restartRuntime = (id: string) => post<void>(`${notebookUrl(id)}/restart`);
/** The notebook (nbformat 4 JSON) as it is now in the live document. */
export const getNotebookJson = (id: string) =>
  get<Record<string, unknown>>(`/api/documents/${encodeURIComponent(id)}`);
/** The whole text of a stream output too long for the live document (it holds the head and tail). */
export async function keptOutputText(id: string, keptId: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`/api/documents/${encodeURIComponent(id)}/outputs/${encodeURIComponent(keptId)}`, {
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', NETWORK_ERROR_DETAIL);
  }
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(response.status, response.statusText, text);
  return text;
}
export const runtimeStatus = (id: string) => get<RuntimeStatus>(`${notebookUrl(id)}/runtime`);

/** A short-lived link (an absolute path ending in "/") to a web server on `port` in the notebook's runtime. */
export interface PortLink {
  url: string;
  port: number;
  expires_at: string;
}
export const portLink = (id: string, port: number) => post<PortLink>(`${notebookUrl(id)}/ports`, { port });

/** The socket URL of the notebook's runtime events (status, input() prompts). */
export const eventsSocketUrl = (id: string) => socketUrl(`${notebookUrl(id)}/events`);
/** The y-websocket URL of the notebook's live document. */
export const documentSocketUrl = (id: string) => socketUrl(`/api/documents/${encodeURIComponent(id)}/ws`);

function socketUrl(path: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${path}`;
}
