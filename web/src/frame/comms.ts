// google.colab.kernel.comms inside an output frame, as Colab's outputframe typings declare it:
// open(target, data, buffers) resolves with a Comm (send, close, and `messages`, an async
// iterable that ends when the comm closes); registerTarget(target, callback) hands the callback
// every comm the kernel opens to that target. Everything goes through the page (see
// notebook/colab/frameComms), which passes it to the hub and the kernel.

import type { ColabCommEvent, ColabCommFrameMessage } from '../notebook/colab/protocol';
import { jsonValue } from '../notebook/colab/protocol';

export interface CommMessage {
  readonly data: unknown;
  readonly buffers?: ArrayBuffer[];
}

type Call = (message: { nbcloud: 'colab-comm-open' | 'colab-comm-send' } & Record<string, unknown>) => Promise<unknown>;

/** ArrayBuffers, typed arrays or DataViews, as ArrayBuffers (copies, so the caller keeps its own). */
function asBuffers(buffers: unknown): ArrayBuffer[] {
  if (buffers === undefined || buffers === null) return [];
  if (!Array.isArray(buffers)) throw new TypeError('buffers must be an array of ArrayBuffers or typed arrays.');
  return buffers.map((b: unknown) => {
    if (b instanceof ArrayBuffer) return b.slice(0);
    if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice().buffer;
    throw new TypeError('buffers must be an array of ArrayBuffers or typed arrays.');
  });
}

class FrameComm {
  private queue: CommMessage[] = [];
  private waiters: ((result: IteratorResult<CommMessage>) => void)[] = [];
  private closed = false;
  readonly messages: AsyncIterable<CommMessage>;

  constructor(
    readonly commId: string,
    private readonly call: Call,
    private readonly tell: (message: ColabCommFrameMessage) => void,
    private readonly forget: (commId: string) => void,
  ) {
    this.messages = {
      [Symbol.asyncIterator]: () => ({
        next: () => this.next(),
        return: () => Promise.resolve({ done: true as const, value: undefined }),
      }),
    };
  }

  private next(): Promise<IteratorResult<CommMessage>> {
    const message = this.queue.shift();
    if (message) return Promise.resolve({ done: false, value: message });
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  push(message: CommMessage): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter({ done: false, value: message });
    else this.queue.push(message);
  }

  /** The comm closed (either side): iteration ends once the queued messages are read. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.forget(this.commId);
    for (const waiter of this.waiters.splice(0)) waiter({ done: true, value: undefined });
  }

  async send(data: unknown, options?: { buffers?: ArrayBuffer[] }): Promise<void> {
    if (this.closed) throw new Error('This comm is closed. Open a new one.');
    await this.call({ nbcloud: 'colab-comm-send', commId: this.commId, data: jsonValue(data), buffers: asBuffers(options?.buffers) });
  }

  close(): void {
    if (this.closed) return;
    this.tell({ nbcloud: 'colab-comm-close', commId: this.commId });
    this.end();
  }
}

export interface Comms {
  api: {
    open(targetName: string, data?: unknown, buffers?: ArrayBuffer[]): Promise<FrameComm>;
    registerTarget(targetName: string, callback: (comm: FrameComm) => void): void;
  };
  /** The page's comm event for this frame. */
  received(event: ColabCommEvent): void;
}

export function makeComms(call: Call, tell: (message: ColabCommFrameMessage) => void): Comms {
  const open = new Map<string, FrameComm>();
  const targets = new Map<string, (comm: FrameComm) => void>();
  const forget = (commId: string) => open.delete(commId);
  const make = (commId: string) => {
    const comm = new FrameComm(commId, call, tell, forget);
    open.set(commId, comm);
    return comm;
  };

  const api: Comms['api'] = {
    async open(targetName, data, buffers) {
      const name = String(targetName ?? '');
      if (!name) throw new Error('comms.open needs the name of a comm target registered in the kernel.');
      const commId = await call({ nbcloud: 'colab-comm-open', target: name, data: jsonValue(data ?? null), buffers: asBuffers(buffers) });
      return make(String(commId));
    },
    registerTarget(targetName, callback) {
      const name = String(targetName ?? '');
      if (!name || typeof callback !== 'function') throw new Error('registerTarget needs a target name and a callback.');
      targets.set(name, callback);
      tell({ nbcloud: 'colab-comm-register', target: name });
    },
  };

  function received(event: ColabCommEvent): void {
    if (event.event === 'open') {
      const callback = targets.get(event.target ?? '');
      if (!callback) return;
      const comm = make(event.commId);
      // The kernel's Comm(target_name, data=...) data arrives as the comm's first message.
      const empty = event.data === null || event.data === undefined || (typeof event.data === 'object' && Object.keys(event.data).length === 0);
      if (!empty || event.buffers?.length) comm.push({ data: event.data ?? null, buffers: event.buffers ?? [] });
      callback(comm);
    } else if (event.event === 'msg') {
      open.get(event.commId)?.push({ data: event.data ?? null, buffers: event.buffers ?? [] });
    } else {
      open.get(event.commId)?.end();
    }
  }

  return { api, received };
}
