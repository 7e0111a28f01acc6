// The hub's own messages on the document socket (nbcloud/hub/documents/hub_messages.py):
// [100, varString(JSON)] beside y-websocket's sync and awareness messages.

export const MESSAGE_HUB = 100;

export type SaveState = 'saving' | 'saved' | 'failed';

export interface HubHello {
  type: 'hello';
  /** New each time the hub loads the notebook from disk. */
  epoch: string;
}

export interface HubSave {
  type: 'save';
  state: SaveState;
  /** Why the last save failed ("the disk is full"); only when state is 'failed'. */
  error: string | null;
  /** Seconds until the hub tries again; only when state is 'failed'. */
  retry_in: number | null;
  /** The state vector written to disk: client id -> clock. */
  saved: Record<string, number>;
}

export interface HubRejected {
  type: 'rejected';
  message: string;
}

export type HubMessage = HubHello | HubSave | HubRejected;

export function parseHubMessage(text: string): HubMessage | null {
  try {
    const message = JSON.parse(text) as HubMessage;
    return message && typeof message === 'object' && typeof message.type === 'string' ? message : null;
  } catch {
    return null;
  }
}
