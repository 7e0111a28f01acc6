// The page's side of google.colab.kernel.comms: the comms output frames open to the kernel and
// the comms the kernel opens to targets frames registered. Frame -> page by postMessage (see
// protocol.ts), page -> hub on the events socket ({"type": "frame_comm"}), hub -> kernel.
// Each comm belongs to one frame: only that frame gets its messages and only that frame may send
// on it or close it. A frame is known by its window, never by what it says about itself.

import { decodeBase64 } from './bytes';
import { allFrameWindows, cellFrameWindows, isOutputFrame, post } from './frames';
import type { ColabCommFrameMessage } from './protocol';
import type { FrameCommEventMessage, PageMessage } from '../runtime/protocol';

/** How long a comm the kernel opens waits for a frame to register its target (its output may
 * still be rendering) before the page closes it. */
const REGISTER_WAIT_MS = 60_000; // a loaded machine can take over 10 s to render an output frame

interface Link {
  send(message: PageMessage): boolean;
}

function encodeBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let text = '';
  const SLICE = 0x8000;
  for (let i = 0; i < bytes.length; i += SLICE) text += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  return btoa(text);
}

function decodeBuffers(buffers: string[]): ArrayBuffer[] {
  return buffers.map((b) => decodeBase64(b).buffer);
}

function newCommId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class FrameComms {
  /** comm id -> the frame it belongs to. */
  private owners = new Map<string, Window>();
  private targets = new Map<Window, Set<string>>();
  /** request id -> the frame call waiting for the hub's reply. */
  private calls = new Map<string, { source: Window; id: number; commId: string; opening: boolean }>();
  /** Comms the kernel opened before any frame registered their target, with what came for them since. */
  private waiting: { message: FrameCommEventMessage; until: number; later: FrameCommEventMessage[] }[] = [];
  private count = 0;

  constructor(private readonly events: Link) {}

  /** A frame's comms.open / comm.send / comm.close / comms.registerTarget. */
  fromFrame(cellId: string, source: Window, message: ColabCommFrameMessage): void {
    switch (message.nbcloud) {
      case 'colab-comm-register': {
        const names = this.targets.get(source) ?? new Set<string>();
        names.add(message.target);
        this.targets.set(source, names);
        this.retryWaiting();
        return;
      }
      case 'colab-comm-close':
        if (this.owners.get(message.commId) !== source) return;
        this.owners.delete(message.commId);
        this.send({ kind: 'close', request_id: '', comm_id: message.commId, cell_id: cellId, target_name: '', data: null, buffers: [] });
        return;
      case 'colab-comm-open': {
        const commId = newCommId();
        this.owners.set(commId, source); // before the kernel can answer on it
        this.request(source, message.id, commId, true, {
          kind: 'open',
          comm_id: commId,
          cell_id: cellId,
          target_name: message.target,
          data: message.data ?? null,
          buffers: message.buffers.map(encodeBase64),
        });
        return;
      }
      case 'colab-comm-send':
        if (this.owners.get(message.commId) !== source) {
          post(source, { nbcloud: 'colab-comm-result', id: message.id, error: 'This comm is closed. Open a new one.' });
          return;
        }
        this.request(source, message.id, message.commId, false, {
          kind: 'msg',
          comm_id: message.commId,
          cell_id: cellId,
          target_name: '',
          data: message.data ?? null,
          buffers: message.buffers.map(encodeBase64),
        });
        return;
    }
  }

  private request(
    source: Window,
    id: number,
    commId: string,
    opening: boolean,
    fields: Omit<Extract<PageMessage, { type: 'frame_comm' }>, 'type' | 'request_id'>,
  ): void {
    const requestId = `comm-${++this.count}`;
    if (!this.send({ ...fields, request_id: requestId })) {
      if (opening) this.owners.delete(commId);
      post(source, { nbcloud: 'colab-comm-result', id, error: 'Not connected to the runtime. Wait for it to reconnect and try again.' });
      return;
    }
    this.calls.set(requestId, { source, id, commId, opening });
  }

  private send(fields: Omit<Extract<PageMessage, { type: 'frame_comm' }>, 'type'>): boolean {
    return this.events.send({ type: 'frame_comm', ...fields });
  }

  /** The hub's frame_comm event. */
  fromHub(message: FrameCommEventMessage): void {
    switch (message.kind) {
      case 'reply': {
        const call = this.calls.get(message.request_id);
        if (!call) return;
        this.calls.delete(message.request_id);
        if (message.error !== undefined) {
          if (call.opening) this.owners.delete(call.commId);
          post(call.source, { nbcloud: 'colab-comm-result', id: call.id, error: message.error });
        } else {
          post(call.source, { nbcloud: 'colab-comm-result', id: call.id, commId: call.commId });
        }
        return;
      }
      case 'open':
        if (!this.deliverOpen(message)) {
          this.waiting.push({ message, until: Date.now() + REGISTER_WAIT_MS, later: [] });
          window.setTimeout(() => this.retryWaiting(), REGISTER_WAIT_MS + 50);
        }
        return;
      case 'msg': {
        if (this.holdForWaiting(message)) return;
        const owner = this.owners.get(message.comm_id);
        if (!owner || !isOutputFrame(owner)) return;
        post(owner, { nbcloud: 'colab-comm-event', event: 'msg', commId: message.comm_id, data: message.data, buffers: decodeBuffers(message.buffers) });
        return;
      }
      case 'close': {
        if (this.holdForWaiting(message)) return;
        const owner = this.owners.get(message.comm_id);
        this.owners.delete(message.comm_id);
        if (owner && isOutputFrame(owner)) post(owner, { nbcloud: 'colab-comm-event', event: 'close', commId: message.comm_id });
        return;
      }
    }
  }

  /** Hands a comm the kernel opened to a frame of its cell that registered the target (else any
   * frame on the page that did, latest first). False when none has yet. */
  private deliverOpen(message: FrameCommEventMessage): boolean {
    const candidates = [...(message.cell_id ? cellFrameWindows(message.cell_id) : []), ...allFrameWindows().reverse()];
    const frame = candidates.find((w) => isOutputFrame(w) && this.targets.get(w)?.has(message.target_name));
    if (!frame) return false;
    this.owners.set(message.comm_id, frame);
    post(frame, {
      nbcloud: 'colab-comm-event',
      event: 'open',
      commId: message.comm_id,
      target: message.target_name,
      data: message.data,
      buffers: decodeBuffers(message.buffers),
    });
    return true;
  }

  /** A message for a comm still waiting for its frame is kept, in order, until the frame is there. */
  private holdForWaiting(message: FrameCommEventMessage): boolean {
    const entry = this.waiting.find((w) => w.message.comm_id === message.comm_id);
    if (entry) entry.later.push(message);
    return entry !== undefined;
  }

  private retryWaiting(): void {
    const now = Date.now();
    const still: typeof this.waiting = [];
    const delivered: typeof this.waiting = [];
    for (const entry of this.waiting) {
      if (this.deliverOpen(entry.message)) {
        delivered.push(entry);
        continue;
      }
      if (entry.until > now) still.push(entry);
      else {
        // No output listens for it: the kernel's side closes, as with an unknown target in Jupyter.
        this.send({ kind: 'close', request_id: '', comm_id: entry.message.comm_id, cell_id: '', target_name: '', data: null, buffers: [] });
      }
    }
    this.waiting = still;
    for (const entry of delivered) for (const message of entry.later) this.fromHub(message);
  }

  /** The events socket closed: the hub forgets nothing, but a frame's calls in flight get no answer. */
  disconnected(): void {
    for (const call of this.calls.values()) {
      post(call.source, { nbcloud: 'colab-comm-result', id: call.id, error: 'The connection to the runtime was lost. Try again.' });
    }
    this.calls.clear();
  }
}
