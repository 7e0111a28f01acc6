// The notebook's runtime events socket: runtime status for everyone with the notebook open,
// input() prompts for the person who ran the cell. Opening it starts no runtime (a notebook from
// someone else must run nothing on open); the first run or Connect does. Reconnects with backoff.

import { signal } from '@preact/signals';
import type { RuntimeStatus } from '../../api/notebooks';
import { eventsSocketUrl } from '../../api/notebooks';
import { widgetRegistry } from '../widgets/registry';
import type { Output } from '../types';
import {
  receiveHubFrame,
  toCodePoints,
  toUtf16,
  type CompleteReplyMessage,
  type ExecuteReplyMessage,
  type HubMessageHandlers,
  type InspectReplyMessage,
  type PageMessage,
  type ScratchReplyMessage,
  type VariableViewReplyMessage,
  type VariablesReplyMessage,
} from './protocol';

/** Completions; cursor_start/cursor_end are UTF-16 offsets into the code asked about (as
 * CodeMirror counts), converted from the hub's code points. */
export type CompleteReply = CompleteReplyMessage;
export type InspectReply = InspectReplyMessage;
export type VariablesReply = VariablesReplyMessage;
export type VariableViewReply = VariableViewReplyMessage;
export type ScratchReply = ScratchReplyMessage;

/** A help page (`obj?`) of a cell this person ran, for the side pager. */
export interface HelpPage {
  cellId: string;
  data: Record<string, string>;
  /** Tells one page from the next (the same `obj?` twice). */
  seq: number;
}

/** How long a completion / docs / variables request waits for the hub before giving up (null). */
export const SIDE_REQUEST_TIMEOUT_MS = 15_000;

type SideReply = CompleteReplyMessage | InspectReplyMessage | VariablesReplyMessage | VariableViewReplyMessage;

export interface InputRequest {
  cellId: string;
  prompt: string;
  password: boolean;
  /** Tells one prompt from the next (a cell may ask several times). */
  seq: number;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10_000;
const CLOSE_SIGNED_OUT = 4401;
const CLOSE_NOT_FOUND = 4404;

/** The hub's messages that other parts of the page handle (Colab requests, the file viewer, a
 * shell command's input box): see NotebookSession. */
export type RoutedMessageType =
  | 'files_view'
  | 'colab_request'
  | 'colab_request_done'
  | 'invoke_function_reply'
  | 'frame_comm'
  | 'shell_stdin'
  | 'shell_stdin_done';
export type RoutedHandlers = Pick<HubMessageHandlers, RoutedMessageType>;

export class RuntimeEvents {
  /** The runtime's last status, or null before the hub said anything. */
  readonly status = signal<RuntimeStatus | null>(null);
  /** The open input() prompt, if the hub is waiting for this user to answer one. */
  readonly input = signal<InputRequest | null>(null);
  readonly connected = signal(false);
  /** The last help page (`obj?`, `obj??`, %pinfo) of a cell this person ran; null until one comes.
   * Its text/plain has ANSI colors, as IPython writes it (help(obj) is pydoc: it prints as output). */
  readonly help = signal<HelpPage | null>(null);
  private helpPages = 0;
  private sideRequests = 0;
  private pendingSide = new Map<string, { resolve: (reply: SideReply | null) => void; timer: number }>();
  private pendingScratch = new Map<string, { resolve: (reply: ScratchReply) => void; onOutput: (output: Output) => void }>();
  private socket: WebSocket | null = null;
  private backoff = MIN_BACKOFF_MS;
  private timer: number | undefined;
  private closed = false;
  private prompts = 0;
  private executes = 0;
  private pendingExecutes = new Map<string, { resolve: (queued: string[]) => void; reject: (error: Error) => void }>();
  /** Where the messages this class does not handle itself go (set by NotebookSession). */
  route: RoutedHandlers | null = null;
  /** The dispatch table: every message type the hub sends, and what this page does with it. */
  private readonly handlers: HubMessageHandlers = {
    runtime: (message) => {
      this.status.value = message;
    },
    input_request: (message) => {
      this.input.value = { cellId: message.cell_id, prompt: message.prompt, password: message.password, seq: ++this.prompts };
    },
    input_done: (message) => {
      if (this.input.value?.cellId === message.cell_id) this.input.value = null;
    },
    execute_reply: (message) => this.executed(message),
    comm_open: (message) => this.widgets().receive(message),
    comm_msg: (message) => this.widgets().receive(message),
    comm_close: (message) => this.widgets().receive(message),
    comm_status: (message) => this.widgets().receive(message),
    widgets: (message) => this.widgets().receive(message),
    error: (message) => console.error(`nbcloud: the hub refused a message from this page (${message.code}): ${message.detail}`),
    files_view: (message) => this.route?.files_view(message),
    colab_request: (message) => this.route?.colab_request(message),
    colab_request_done: (message) => this.route?.colab_request_done(message),
    invoke_function_reply: (message) => this.route?.invoke_function_reply(message),
    frame_comm: (message) => this.route?.frame_comm(message),
    shell_stdin: (message) => this.route?.shell_stdin(message),
    shell_stdin_done: (message) => this.route?.shell_stdin_done(message),
    complete_reply: (message) => this.answered(message),
    inspect_reply: (message) => this.answered(message),
    variables_reply: (message) => this.answered(message),
    variable_view_reply: (message) => this.answered(message),
    scratch_output: (message) => this.pendingScratch.get(message.request_id)?.onOutput(message.output),
    scratch_reply: (message) => {
      const pending = this.pendingScratch.get(message.request_id);
      this.pendingScratch.delete(message.request_id);
      pending?.resolve(message);
    },
    help: (message) => {
      this.help.value = { cellId: message.cell_id, data: message.data, seq: ++this.helpPages };
    },
  };
  /** Called when the socket closes (what waited for an answer is sent again on reconnect). */
  onClosed: (() => void) | null = null;

  constructor(private readonly notebookId: string) {
    this.connect();
  }

  /** Answers the open input() prompt. */
  reply(value: string): void {
    this.send({ type: 'input_reply', value });
  }

  /** Sends a message to the hub; false when the socket is not open. */
  send(message: PageMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Asks the hub to run cells over this socket, with the page's Y state vector: the hub runs them
   * once its document holds everything this page typed, so no flush round trip comes first.
   * Null when the socket is not open (the caller falls back to flush + POST).
   */
  execute(cellIds: string[], stateVector: Uint8Array): Promise<string[]> | null {
    if (this.socket?.readyState !== WebSocket.OPEN) return null;
    const requestId = `x${++this.executes}`;
    let binary = '';
    for (const byte of stateVector) binary += String.fromCharCode(byte);
    const answer = new Promise<string[]>((resolve, reject) => this.pendingExecutes.set(requestId, { resolve, reject }));
    this.send({ type: 'execute', request_id: requestId, cell_ids: cellIds, state_vector: btoa(binary) });
    return answer;
  }

  /**
   * Completions for `code` at `cursorPos` (a UTF-16 offset, as CodeMirror gives; sent as code
   * points). The reply's cursor_start/cursor_end are UTF-16 offsets into `code`. Null when the
   * socket is not open or the hub did not answer in time; `error` set (e.g. "no runtime") when
   * the hub could not ask the runtime.
   */
  async complete(code: string, cursorPos: number): Promise<CompleteReply | null> {
    const requestId = this.nextSideId();
    const reply = await this.ask<CompleteReplyMessage>(requestId, { type: 'complete', request_id: requestId, code, cursor_pos: toCodePoints(code, cursorPos) });
    if (!reply) return null;
    return { ...reply, cursor_start: toUtf16(code, reply.cursor_start), cursor_end: toUtf16(code, reply.cursor_end) };
  }

  /** Docs of the name at `cursorPos` (UTF-16 offset); detailLevel 1 adds the source (`obj??`). */
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectReply | null> {
    const requestId = this.nextSideId();
    return this.ask<InspectReplyMessage>(requestId, {
      type: 'inspect',
      request_id: requestId,
      code,
      cursor_pos: toCodePoints(code, cursorPos),
      detail_level: detailLevel,
    });
  }

  /** The user's variables in the runtime (asking changes nothing there). */
  variables(): Promise<VariablesReply | null> {
    const requestId = this.nextSideId();
    return this.ask<VariablesReplyMessage>(requestId, { type: 'variables', request_id: requestId });
  }

  /** The DataFrame variable `name` as Colab's interactive table (a mime bundle in `data`). */
  variableView(name: string): Promise<VariableViewReply | null> {
    const requestId = this.nextSideId();
    return this.ask<VariableViewReplyMessage>(requestId, { type: 'variable_view', request_id: requestId, name });
  }

  /**
   * Runs `code` in the notebook's runtime as a scratch cell: its outputs come to `onOutput` and
   * are saved nowhere. Resolves when the code finished (no time limit: code may run long), or
   * with status "aborted" when the socket drops, or "error" with `error` when it could not run.
   */
  scratch(code: string, onOutput: (output: Output) => void): Promise<ScratchReply> {
    const requestId = this.nextSideId();
    if (this.socket?.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ type: 'scratch_reply', request_id: requestId, status: 'error', execution_count: null, error: 'not connected' });
    }
    const answer = new Promise<ScratchReply>((resolve) => this.pendingScratch.set(requestId, { resolve, onOutput }));
    this.send({ type: 'scratch_execute', request_id: requestId, code });
    return answer;
  }

  private nextSideId(): string {
    return `q${++this.sideRequests}`;
  }

  private ask<T extends SideReply>(requestId: string, message: PageMessage): Promise<T | null> {
    if (this.socket?.readyState !== WebSocket.OPEN) return Promise.resolve(null);
    return new Promise<T | null>((resolve) => {
      const timer = window.setTimeout(() => {
        this.pendingSide.delete(requestId);
        resolve(null);
      }, SIDE_REQUEST_TIMEOUT_MS);
      // The reply's type is the one this request's type is answered with (the hub keys it by request_id).
      this.pendingSide.set(requestId, { resolve: (reply) => resolve(reply as T | null), timer });
      this.send(message);
    });
  }

  private answered(message: SideReply): void {
    const pending = this.pendingSide.get(message.request_id);
    if (!pending) return;
    this.pendingSide.delete(message.request_id);
    window.clearTimeout(pending.timer);
    pending.resolve(message);
  }

  /** One frame from the hub: read into its type and handed to its handler; anything else is
   * reported and ignored (a hub newer than this page may send what it does not know yet). */
  receive(data: string): void {
    receiveHubFrame(this.handlers, data);
  }

  private executed(message: ExecuteReplyMessage): void {
    const pending = this.pendingExecutes.get(message.request_id);
    this.pendingExecutes.delete(message.request_id);
    if (message.error !== undefined) pending?.reject(Object.assign(new Error(message.error), { code: message.code }));
    else pending?.resolve(message.queued ?? []);
  }

  private widgets() {
    return widgetRegistry(this.notebookId);
  }

  close(): void {
    this.closed = true;
    window.clearTimeout(this.timer);
    this.socket?.close(1000);
    this.socket = null;
  }

  private connect(): void {
    if (this.closed) return;
    const socket = new WebSocket(eventsSocketUrl(this.notebookId));
    this.socket = socket;
    socket.onopen = () => {
      this.backoff = MIN_BACKOFF_MS;
      this.connected.value = true;
      this.widgets().attach((message) => socket === this.socket && this.send(message));
    };
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.connected.value = false;
      // A prompt cannot be answered without the socket; the hub asks again on reconnect only
      // if the cell still waits, so drop it here.
      this.input.value = null;
      for (const pending of this.pendingExecutes.values()) {
        pending.reject(new Error('The connection to the hub dropped before the run was confirmed. Run the cell again.'));
      }
      this.pendingExecutes.clear();
      for (const pending of this.pendingSide.values()) {
        window.clearTimeout(pending.timer);
        pending.resolve(null);
      }
      this.pendingSide.clear();
      for (const [requestId, pending] of this.pendingScratch) {
        pending.resolve({ type: 'scratch_reply', request_id: requestId, status: 'aborted', execution_count: null, error: 'The connection to the hub dropped.' });
      }
      this.pendingScratch.clear();
      this.onClosed?.();
      if (this.closed || event.code === CLOSE_SIGNED_OUT || event.code === CLOSE_NOT_FOUND) return;
      const wait = this.backoff * (0.75 + Math.random() * 0.5);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.timer = window.setTimeout(() => this.connect(), wait);
    };
  }
}
