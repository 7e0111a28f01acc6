// A small y-websocket client: keeps a Y.Doc and its awareness in sync with the hub's live
// document, reconnecting with backoff. Close codes the hub uses for "you cannot have this
// notebook" (4401, 4404, 4422) stop the reconnecting and are reported as a fatal problem.
//
// The hub's first frame on every socket is its hello with the epoch of its document (a new one
// each time it loads the notebook from disk). Nothing is sent before it: a page whose document
// is from another epoch (the hub restarted) must not sync it, or every cell would be there
// twice. Such a page stops (status.reload) with its unsaved edits, and the notebook session is
// opened afresh, re-applying them (unsaved.ts). The same happens when the hub refuses a change
// (4400) or finds the page's document stale itself (4409). The hub's save status (every page
// shows "Saved" / "Not saved: …") comes on this socket too.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MESSAGE_HUB, parseHubMessage, type SaveState } from './hubMessages';
import { CLOSE_REJECTED_UPDATE, CLOSE_STALE_DOCUMENT, fatalProblem, type SyncProblem } from './problems';
import { type CarriedEdits, reapply, UnsavedEdits } from './unsaved';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10_000;

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface SaveStatus {
  /** What the hub last said about writing the notebook to disk. */
  state: SaveState;
  /** Why the last save failed, while it fails. */
  error: string | null;
  /** This page has edits the hub has not written to disk yet. */
  unsaved: boolean;
}

/** This page's document cannot go on: open the notebook afresh and re-apply ``carried``. */
export interface Reload {
  carried: CarriedEdits | null;
  /** Something to tell the person (a refused change), or null. */
  notice: string | null;
  /** The hub refused a change of this page (then a second refusal carries nothing). */
  rejected: boolean;
}

export interface ProviderStatus {
  state: ConnectionState;
  /** True once the first full sync with the hub finished (the cells are there). */
  synced: boolean;
  /** Set when the hub refused the notebook for good; no more reconnects. */
  problem: SyncProblem | null;
  save: SaveStatus;
  /** Set when this document must be replaced by a fresh one; no more reconnects. */
  reload: Reload | null;
}

type Listener = (status: ProviderStatus) => void;

export class DocumentProvider {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  private readonly url: string;
  private socket: WebSocket | null = null;
  private backoff = MIN_BACKOFF_MS;
  private retryTimer: number | undefined;
  private destroyed = false;
  private listeners = new Set<Listener>();
  private status: ProviderStatus = {
    state: 'connecting',
    synced: false,
    problem: null,
    save: { state: 'saved', error: null, unsaved: false },
    reload: null,
  };
  /** Resolvers waiting for the hub's answer (sync step 2) to a sync step 1 we sent, in order. */
  private pendingStep2: Array<() => void> = [];
  /** The epoch of the hub's document this page holds (null until the first hello). */
  private epoch: string | null = null;
  private helloSeen = false;
  private rejectedMessage: string | null = null;
  private readonly unsaved: UnsavedEdits;

  constructor(
    url: string,
    doc: Y.Doc,
    private carried: CarriedEdits | null = null,
    private readonly afterRejection = false,
  ) {
    this.url = url;
    this.doc = doc;
    this.unsaved = new UnsavedEdits(doc, this);
    this.awareness = new awarenessProtocol.Awareness(doc);
    doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    window.addEventListener('beforeunload', this.onUnload);
    this.connect();
  }

  get current(): ProviderStatus {
    return this.status;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once the hub has applied every change this page sent so far. The hub handles a
   * socket's frames in order, so the answer to a fresh sync step 1 comes after all of them.
   * Used before asking the hub (over HTTP) to run a cell, so it runs the code just typed.
   */
  flush(timeoutMs = 5000): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = window.setTimeout(resolve, timeoutMs);
      this.pendingStep2.push(() => {
        window.clearTimeout(timer);
        resolve();
      });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      socket.send(encoding.toUint8Array(encoder));
    });
  }

  destroy(): void {
    this.destroyed = true;
    window.clearTimeout(this.retryTimer);
    window.removeEventListener('beforeunload', this.onUnload);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
    this.doc.off('update', this.onDocUpdate);
    this.unsaved.destroy();
    this.awareness.off('update', this.onAwarenessUpdate);
    this.socket?.close(1000);
    this.socket = null;
    this.awareness.destroy();
    this.listeners.clear();
  }

  private setStatus(change: Partial<ProviderStatus>): void {
    this.status = { ...this.status, ...change };
    for (const listener of this.listeners) listener(this.status);
  }

  private connect(): void {
    if (this.destroyed) return;
    this.setStatus({ state: 'connecting' });
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.pendingStep2 = [];
    this.helloSeen = false;
    socket.onopen = () => {
      this.backoff = MIN_BACKOFF_MS;
      this.setStatus({ state: 'connected' });
      // Nothing is sent before the hub's hello says which load of the notebook it has.
    };
    socket.onmessage = (event) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      this.handleMessage(new Uint8Array(event.data));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === CLOSE_STALE_DOCUMENT || event.code === CLOSE_REJECTED_UPDATE) {
        this.retire(event.code === CLOSE_REJECTED_UPDATE);
        return;
      }
      for (const resolve of this.pendingStep2) resolve();
      this.pendingStep2 = [];
      // Everyone else's cursors are stale now.
      const others = Array.from(this.awareness.getStates().keys()).filter((id) => id !== this.doc.clientID);
      awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
      const problem = fatalProblem(event.code, event.reason);
      if (problem) {
        this.setStatus({ state: 'disconnected', problem });
        return;
      }
      this.setStatus({ state: 'disconnected' });
      if (this.destroyed) return;
      const wait = this.backoff * (0.75 + Math.random() * 0.5);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.retryTimer = window.setTimeout(() => this.connect(), wait);
    };
  }

  /** The hub said hello: sync if its document is the one this page holds, else stop. */
  private onHello(epoch: string): void {
    if (this.epoch !== null && this.epoch !== epoch) {
      this.retire(false);
      return;
    }
    this.epoch = epoch;
    this.helloSeen = true;
    // Our sync step 1; the hub's step 2 answer marks the document synced.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.pendingStep2.push(() => this.onSynced());
    this.send(encoding.toUint8Array(encoder));
    if (this.awareness.getLocalState() !== null) {
      this.sendAwareness([this.doc.clientID]);
    }
  }

  private onSynced(): void {
    const carried = this.carried;
    this.carried = null;
    // A fresh document after a reload: put back what this page had typed and not saved.
    if (carried && !this.status.synced) reapply(this.doc, carried);
    this.setStatus({ synced: true });
  }

  /** This document cannot be synced any more: stop, and hand its unsaved edits on. */
  private retire(rejected: boolean): void {
    const socket = this.socket;
    this.socket = null;
    this.destroyed = true;
    window.clearTimeout(this.retryTimer);
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    // After a second refusal in a row, carry nothing: the carried edits may be what is refused.
    const carried = rejected && this.afterRejection ? null : this.unsaved.carry();
    const notice = rejected
      ? this.rejectedMessage ?? 'Your last change was not accepted by the hub. The notebook was reloaded.'
      : null;
    this.setStatus({ state: 'disconnected', reload: { carried, notice, rejected } });
  }

  private onSave(state: SaveState, error: string | null, saved: Record<string, number>): void {
    this.unsaved.saved(saved);
    this.setStatus({ save: { state, error: state === 'failed' ? error : null, unsaved: this.unsaved.count > 0 } });
  }

  private handleMessage(data: Uint8Array): void {
    if (this.destroyed) return;
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_HUB) {
      const message = parseHubMessage(decoding.readVarString(decoder));
      if (message?.type === 'hello') this.onHello(message.epoch);
      else if (message?.type === 'save') this.onSave(message.state, message.error, message.saved ?? {});
      else if (message?.type === 'rejected') this.rejectedMessage = message.message;
      return;
    }
    if (!this.helloSeen) return; // from a hub that did not say which document it has
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (kind === syncProtocol.messageYjsSyncStep2) this.pendingStep2.shift()?.();
      // Answer the hub's sync step 1 with our step 2 (what it lacks).
      if (encoding.length(encoder) > 1) this.send(encoding.toUint8Array(encoder));
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    } else if (type === MESSAGE_QUERY_AWARENESS) {
      this.sendAwareness(Array.from(this.awareness.getStates().keys()));
    }
  }

  private send(message: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(message);
  }

  private sendAwareness(clients: number[]): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    this.send(encoding.toUint8Array(encoder));
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return; // it came from the hub
    if (!this.status.save.unsaved && this.unsaved.count) {
      this.setStatus({ save: { ...this.status.save, unsaved: true } });
    }
    if (!this.helloSeen) return; // sent with our sync step 2 once the hub said hello
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.send(encoding.toUint8Array(encoder));
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin === this) return;
    // Send only our own state; the hub relays the others.
    const changed = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
    if (changed.length) this.sendAwareness(changed);
  };

  private onUnload = () => {
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'window unload');
  };
}
