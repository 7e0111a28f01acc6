// The messages of a notebook's events socket, one union per way, as the hub types them in
// nbcloud/hub/execution/event_messages.py (change the two together). What the hub sends is read
// here field by field into these types (no casts): a message of a type this page does not know,
// or with fields it cannot use, is reported and ignored, never half-handled.

import type { RuntimeState, RuntimeStatus } from '../../api/notebooks';
import type {
  CommCloseEvent,
  CommMsgEvent,
  CommOpenEvent,
  CommStatusEvent,
  PageCommMessage,
  WidgetsEvent,
} from '../widgets/protocol';

// ----- hub -> page --------------------------------------------------------------------------

/** input() in a cell this person ran: the prompt to show under it. */
export interface InputRequestMessage {
  type: 'input_request';
  cell_id: string;
  prompt: string;
  password: boolean;
}
export interface InputDoneMessage {
  type: 'input_done';
  cell_id: string;
}
/** The answer to this page's `execute`: the cells queued, or why not (`code`: e.g. notebook_not_trusted). */
export interface ExecuteReplyMessage {
  type: 'execute_reply';
  request_id: string;
  queued?: string[];
  error?: string;
  code?: string;
}
/** A Colab request of a cell this person ran (eval_js, files, drive): see colab/bridge. */
export interface ColabRequestMessage {
  type: 'colab_request';
  cell_id: string;
  request_id: string;
  request_type: string;
  request: Record<string, unknown>;
}
export interface ColabRequestDoneMessage {
  type: 'colab_request_done';
  cell_id: string;
  request_id: string;
}
/** google.colab.files.view in a cell: open the file viewer. */
export interface FilesViewMessage {
  type: 'files_view';
  cell_id: string;
  source: 'runtime' | 'drive';
  path: string;
  item_id?: string;
}
/** A running shell command's input box (echo false: a password prompt). */
export interface ShellStdinMessage {
  type: 'shell_stdin';
  cell_id: string;
  request_id: string;
  echo: boolean;
  delay_ms: number;
}
export interface ShellStdinDoneMessage {
  type: 'shell_stdin_done';
  cell_id: string;
  request_id: string;
}
/** The answer to this page's `invoke_function`. */
export interface InvokeFunctionReplyMessage {
  type: 'invoke_function_reply';
  request_id: string;
  result?: unknown;
  error?: string;
}
/** An output frame's google.colab.kernel.comms (see colab/frameComms): the kernel opened a comm
 * to a frame target, sent or closed one; `reply` answers this page's frame_comm of `request_id`. */
export interface FrameCommEventMessage {
  type: 'frame_comm';
  kind: 'open' | 'msg' | 'close' | 'reply';
  comm_id: string;
  cell_id: string;
  target_name: string;
  data: unknown;
  buffers: string[];
  request_id: string;
  error?: string;
}
/** A message of this page's that the hub refused; the socket stays open. */
export interface SocketErrorMessage {
  type: 'error';
  code: string;
  detail: string;
}

/** Every message the hub sends, by its `type`. */
export interface HubMessages {
  runtime: RuntimeStatus;
  input_request: InputRequestMessage;
  input_done: InputDoneMessage;
  execute_reply: ExecuteReplyMessage;
  colab_request: ColabRequestMessage;
  colab_request_done: ColabRequestDoneMessage;
  files_view: FilesViewMessage;
  shell_stdin: ShellStdinMessage;
  shell_stdin_done: ShellStdinDoneMessage;
  invoke_function_reply: InvokeFunctionReplyMessage;
  comm_open: CommOpenEvent;
  comm_msg: CommMsgEvent;
  comm_close: CommCloseEvent;
  comm_status: CommStatusEvent;
  widgets: WidgetsEvent;
  frame_comm: FrameCommEventMessage;
  error: SocketErrorMessage;
}
export type HubMessageType = keyof HubMessages;
export type HubMessage = HubMessages[HubMessageType];
/** The dispatch table: one handler for every type (a type without one does not compile). */
export type HubMessageHandlers = { [K in HubMessageType]: (message: HubMessages[K]) => void };

// ----- page -> hub --------------------------------------------------------------------------

/** Run cells once the hub's document holds this page's edits (base64 of Y.encodeStateVector). */
export interface ExecuteMessage {
  type: 'execute';
  request_id: string;
  cell_ids: string[];
  state_vector: string;
}
export interface InputReplyMessage {
  type: 'input_reply';
  value: string;
}
export type ColabReplyMessage =
  | { type: 'colab_reply'; request_id: string; reply: unknown }
  | { type: 'colab_reply'; request_id: string; error: string };
export interface ShellStdinReplyMessage {
  type: 'shell_stdin_reply';
  request_id: string;
  value: string;
}
export interface InvokeFunctionMessage {
  type: 'invoke_function';
  request_id: string;
  cell_id: string;
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}
/** An output frame's comms.open / send / close, for the kernel (buffers are base64). */
export interface FrameCommMessage {
  type: 'frame_comm';
  kind: 'open' | 'msg' | 'close';
  request_id: string;
  comm_id: string;
  cell_id: string;
  target_name: string;
  data: unknown;
  buffers: string[];
}
/** Every message this page sends. */
export type PageMessage =
  | ExecuteMessage
  | InputReplyMessage
  | ColabReplyMessage
  | ShellStdinReplyMessage
  | InvokeFunctionMessage
  | PageCommMessage
  | FrameCommMessage;

/** For a switch over a union: a case left out makes `value` not `never`, which does not compile. */
export function exhaustive(value: never): never {
  throw new Error(`Unhandled events socket message: ${JSON.stringify(value)}`);
}

// ----- reading what the hub sent ------------------------------------------------------------

/** Why a frame from the hub was not handed to a handler. */
export type Unreadable = { problem: 'not_json' | 'unknown_type' | 'bad_fields'; type: string | null };

/** The hub's message, or what is wrong with it. */
export function readHubMessage(text: string): HubMessage | Unreadable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not_json', type: null };
  }
  const fields = Fields.of(value);
  const type = fields?.strOr('type', null) ?? null;
  if (!fields || type === null) return { problem: 'not_json', type };
  try {
    if (!isHubMessageType(type)) return { problem: 'unknown_type', type };
    return READERS[type](fields);
  } catch (error) {
    if (error instanceof BadField) return { problem: 'bad_fields', type };
    throw error;
  }
}

export function isUnreadable(message: HubMessage | Unreadable): message is Unreadable {
  return 'problem' in message;
}

/** Hands `message` to its handler in `handlers`. */
export function dispatchHubMessage(handlers: HubMessageHandlers, message: HubMessage): void {
  deliver(handlers, message.type, message);
}

/** One frame from the hub, handed to its handler; what cannot be read is reported and ignored
 * (a hub newer than this page may send what it does not know yet). False when ignored. */
export function receiveHubFrame(handlers: HubMessageHandlers, text: string, report: (problem: string) => void = console.error): boolean {
  const message = readHubMessage(text);
  if (!isUnreadable(message)) {
    dispatchHubMessage(handlers, message);
    return true;
  }
  const what =
    message.problem === 'unknown_type'
      ? `a message of unknown type "${message.type}"`
      : message.problem === 'bad_fields'
        ? `a "${message.type}" message with fields it cannot use`
        : 'a frame that is not a JSON message with a "type"';
  report(`nbcloud: the hub sent ${what} on the events socket; ignored. Reload the page if the hub was updated.`);
  return false;
}

function deliver<K extends HubMessageType>(handlers: HubMessageHandlers, type: K, message: HubMessages[K]): void {
  handlers[type](message);
}

function isHubMessageType(type: string): type is HubMessageType {
  return Object.prototype.hasOwnProperty.call(READERS, type);
}

class BadField extends Error {}

/** A JSON object's fields, read with their types checked; a wrong one throws BadField. */
class Fields {
  private constructor(private readonly value: object) {}

  static of(value: unknown): Fields | null {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? new Fields(value) : null;
  }

  private get(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.value, key) ? Reflect.get(this.value, key) : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  str(key: string): string {
    const value = this.get(key);
    if (typeof value !== 'string') throw new BadField(key);
    return value;
  }

  strOr<T>(key: string, otherwise: T): string | T {
    const value = this.get(key);
    return value === undefined || value === null ? otherwise : this.str(key);
  }

  bool(key: string): boolean {
    const value = this.get(key);
    if (typeof value !== 'boolean') throw new BadField(key);
    return value;
  }

  num(key: string): number {
    const value = this.get(key);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadField(key);
    return value;
  }

  strings(key: string): string[] {
    const value = this.get(key);
    if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new BadField(key);
    return value;
  }

  list(key: string): unknown[] {
    const value = this.get(key);
    if (!Array.isArray(value)) throw new BadField(key);
    return value;
  }

  record(key: string): Record<string, unknown> {
    const value = this.get(key);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadField(key);
    return Object.fromEntries(Object.entries(value));
  }

  object(key: string): Fields {
    const fields = Fields.of(this.get(key));
    if (!fields) throw new BadField(key);
    return fields;
  }

  raw(key: string): unknown {
    return this.get(key);
  }
}

const RUNTIME_STATES: readonly RuntimeState[] = ['none', 'starting', 'idle', 'busy', 'dead'];

function runtimeState(fields: Fields): RuntimeState {
  const status = fields.str('status');
  const state = RUNTIME_STATES.find((s) => s === status);
  if (!state) throw new BadField('status');
  return state;
}

function bufferPaths(fields: Fields): (string | number)[][] {
  return fields.list('buffer_paths').map((path) => {
    if (!Array.isArray(path)) throw new BadField('buffer_paths');
    return path.map((part: unknown) => {
      if (typeof part !== 'string' && typeof part !== 'number') throw new BadField('buffer_paths');
      return part;
    });
  });
}

function commOpen(fields: Fields): CommOpenEvent {
  const data = fields.object('data');
  return {
    type: 'comm_open',
    comm_id: fields.str('comm_id'),
    target_name: fields.str('target_name'),
    data: { state: data.record('state'), buffer_paths: data.has('buffer_paths') ? bufferPaths(data) : [] },
    metadata: fields.record('metadata'),
    buffers: fields.strings('buffers'),
  };
}

/** One reader per hub message type: the table is the list of types this page knows. */
const READERS: { [K in HubMessageType]: (fields: Fields) => HubMessages[K] } = {
  runtime: (f) => ({
    type: 'runtime',
    status: runtimeState(f),
    message: f.strOr('message', null),
    place: f.raw('place') === null || f.raw('place') === undefined ? null : f.num('place'),
    running: f.strOr('running', null),
    queued: f.strings('queued'),
  }),
  input_request: (f) => ({ type: 'input_request', cell_id: f.str('cell_id'), prompt: f.strOr('prompt', ''), password: f.raw('password') === true }),
  input_done: (f) => ({ type: 'input_done', cell_id: f.str('cell_id') }),
  execute_reply: (f) => ({
    type: 'execute_reply',
    request_id: f.str('request_id'),
    ...(f.has('queued') ? { queued: f.strings('queued') } : {}),
    ...(f.has('error') ? { error: f.str('error') } : {}),
    ...(f.has('code') ? { code: f.str('code') } : {}),
  }),
  colab_request: (f) => ({
    type: 'colab_request',
    cell_id: f.str('cell_id'),
    request_id: f.str('request_id'),
    request_type: f.str('request_type'),
    request: Fields.of(f.raw('request')) ? f.record('request') : {},
  }),
  colab_request_done: (f) => ({ type: 'colab_request_done', cell_id: f.str('cell_id'), request_id: f.str('request_id') }),
  files_view: (f) => {
    const source = f.str('source');
    if (source !== 'runtime' && source !== 'drive') throw new BadField('source');
    return {
      type: 'files_view',
      cell_id: f.str('cell_id'),
      source,
      path: f.str('path'),
      ...(f.has('item_id') ? { item_id: f.str('item_id') } : {}),
    };
  },
  shell_stdin: (f) => ({
    type: 'shell_stdin',
    cell_id: f.str('cell_id'),
    request_id: f.str('request_id'),
    echo: f.raw('echo') !== false,
    delay_ms: f.has('delay_ms') ? Math.max(0, f.num('delay_ms')) : 0,
  }),
  shell_stdin_done: (f) => ({ type: 'shell_stdin_done', cell_id: f.str('cell_id'), request_id: f.str('request_id') }),
  invoke_function_reply: (f) => ({
    type: 'invoke_function_reply',
    request_id: f.str('request_id'),
    ...(f.has('error') ? { error: f.str('error') } : { result: f.raw('result') ?? null }),
  }),
  comm_open: commOpen,
  comm_msg: (f) => ({
    type: 'comm_msg',
    comm_id: f.str('comm_id'),
    data: f.record('data'),
    buffers: f.has('buffers') ? f.strings('buffers') : [],
    parent_msg_id: f.strOr('parent_msg_id', null),
  }),
  comm_close: (f) => ({ type: 'comm_close', comm_id: f.str('comm_id') }),
  comm_status: (f) => ({ type: 'comm_status', msg_id: f.str('msg_id'), execution_state: f.str('execution_state') }),
  widgets: (f) => ({
    type: 'widgets',
    models: f.list('models').map((model) => {
      const fields = Fields.of(model);
      if (!fields) throw new BadField('models');
      return commOpen(fields);
    }),
  }),
  frame_comm: (f) => {
    const kind = f.str('kind');
    if (kind !== 'open' && kind !== 'msg' && kind !== 'close' && kind !== 'reply') throw new BadField('kind');
    return {
      type: 'frame_comm',
      kind,
      comm_id: f.strOr('comm_id', ''),
      cell_id: f.strOr('cell_id', ''),
      target_name: f.strOr('target_name', ''),
      data: f.raw('data') ?? null,
      buffers: f.has('buffers') ? f.strings('buffers') : [],
      request_id: f.strOr('request_id', ''),
      ...(f.has('error') ? { error: f.str('error') } : {}),
    };
  },
  error: (f) => ({ type: 'error', code: f.str('code'), detail: f.str('detail') }),
};
