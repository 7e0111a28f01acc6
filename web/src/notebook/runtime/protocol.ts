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
import type { Output } from '../types';

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
/** One completion: `type` (function, module, keyword, path, magic, ...) and `signature` come from
 * IPython's completer (jedi) when it knows them. */
export interface CompletionItem {
  text: string;
  type: string | null;
  signature: string | null;
}
/** The answer to this page's `complete`. Offsets as the hub sends them are in code points;
 * events.complete() turns them into UTF-16 offsets of the code it was asked about. */
export interface CompleteReplyMessage {
  type: 'complete_reply';
  request_id: string;
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  items: CompletionItem[];
  error?: string;
  /** Why it was refused, as a code: notebook_not_trusted, not_allowed, invalid_message. */
  code?: string;
}
/** The answer to this page's `inspect` (docs of the name at the cursor). */
export interface InspectReplyMessage {
  type: 'inspect_reply';
  request_id: string;
  found: boolean;
  data: Record<string, string>;
  error?: string;
  /** Why it was refused, as a code: notebook_not_trusted, not_allowed, invalid_message. */
  code?: string;
}
/** One of the user's variables, as the runtime's variable inspector describes it. */
export interface VariableInfo {
  name: string;
  type: string;
  shape: string | null;
  size: string | null;
  memory: number | null;
  value: string;
  is_dataframe: boolean;
}
export interface VariablesReplyMessage {
  type: 'variables_reply';
  request_id: string;
  variables: VariableInfo[];
  error?: string;
  /** Why it was refused, as a code: notebook_not_trusted, not_allowed, invalid_message. */
  code?: string;
}
/** A DataFrame variable rendered as Colab's interactive table (a mime bundle, as an output's data). */
export interface VariableViewReplyMessage {
  type: 'variable_view_reply';
  request_id: string;
  data: Record<string, unknown>;
  error?: string;
  /** Why it was refused, as a code: notebook_not_trusted, not_allowed, invalid_message. */
  code?: string;
}
/** An output of this page's scratch code (nbformat output dict); written nowhere. */
export interface ScratchOutputMessage {
  type: 'scratch_output';
  request_id: string;
  output: Output;
}
export interface ScratchReplyMessage {
  type: 'scratch_reply';
  request_id: string;
  status: 'ok' | 'error' | 'aborted';
  execution_count: number | null;
  error?: string;
  /** Why it was refused, as a code: notebook_not_trusted, not_allowed, invalid_message. */
  code?: string;
}
/** A help page (`obj?`, `obj??`, %pinfo, help()) of a cell this person ran: show it in the side pager. */
export interface HelpMessage {
  type: 'help';
  cell_id: string;
  data: Record<string, string>;
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
  complete_reply: CompleteReplyMessage;
  inspect_reply: InspectReplyMessage;
  variables_reply: VariablesReplyMessage;
  variable_view_reply: VariableViewReplyMessage;
  scratch_output: ScratchOutputMessage;
  scratch_reply: ScratchReplyMessage;
  help: HelpMessage;
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
/** Completions at `cursor_pos` (code points, as Jupyter's protocol >= 5.2 counts). */
export interface CompleteMessage {
  type: 'complete';
  request_id: string;
  code: string;
  cursor_pos: number;
}
/** Docs of the name at `cursor_pos` (code points); detail_level 1 is `obj??` (with source). */
export interface InspectMessage {
  type: 'inspect';
  request_id: string;
  code: string;
  cursor_pos: number;
  detail_level: 0 | 1;
}
export interface VariablesMessage {
  type: 'variables';
  request_id: string;
}
/** The DataFrame variable `name` (a Python identifier) as an interactive table. */
export interface VariableViewMessage {
  type: 'variable_view';
  request_id: string;
  name: string;
}
/** Runs code in the notebook's runtime without saving it or its outputs in the notebook. */
export interface ScratchExecuteMessage {
  type: 'scratch_execute';
  request_id: string;
  code: string;
}
/** Every message this page sends. */
export type PageMessage =
  | ExecuteMessage
  | InputReplyMessage
  | ColabReplyMessage
  | ShellStdinReplyMessage
  | InvokeFunctionMessage
  | PageCommMessage
  | FrameCommMessage
  | CompleteMessage
  | InspectMessage
  | VariablesMessage
  | VariableViewMessage
  | ScratchExecuteMessage;

/** The code-point offset (Jupyter's cursor_pos) of the UTF-16 offset `utf16` in `text`. */
export function toCodePoints(text: string, utf16: number): number {
  let points = 0;
  for (let i = 0; i < Math.min(utf16, text.length); i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && i + 1 < utf16) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    points++;
  }
  return points;
}

/** The UTF-16 offset in `text` of the code-point offset `points` (the hub's cursor_start/end). */
export function toUtf16(text: string, points: number): number {
  let i = 0;
  for (let p = 0; p < points && i < text.length; p++) {
    const unit = text.charCodeAt(i);
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return i;
}

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

function optionalError(f: Fields): { error?: string; code?: string } {
  return { ...(f.has('error') ? { error: f.str('error') } : {}), ...(f.has('code') ? { code: f.str('code') } : {}) };
}

function stringRecord(f: Fields, key: string): Record<string, string> {
  const record = f.record(key);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) {
    if (typeof v !== 'string') throw new BadField(key);
    out[k] = v;
  }
  return out;
}

/** An nbformat output dict (as the hub's to_output makes them). */
function output(f: Fields): Output {
  const kind = f.str('output_type');
  if (kind === 'stream') {
    const name = f.str('name');
    if (name !== 'stdout' && name !== 'stderr') throw new BadField('name');
    const text = f.raw('text');
    return { output_type: 'stream', name, text: Array.isArray(text) ? f.strings('text') : f.str('text') };
  }
  if (kind === 'display_data' || kind === 'execute_result') {
    return {
      output_type: kind,
      data: f.record('data'),
      metadata: f.has('metadata') ? f.record('metadata') : {},
      ...(kind === 'execute_result' ? { execution_count: f.raw('execution_count') == null ? null : f.num('execution_count') } : {}),
    };
  }
  if (kind === 'error') return { output_type: 'error', ename: f.str('ename'), evalue: f.str('evalue'), traceback: f.strings('traceback') };
  throw new BadField('output_type');
}

function nullableStr(f: Fields, key: string): string | null {
  return f.strOr(key, null);
}

function nullableNum(f: Fields, key: string): number | null {
  return f.raw(key) == null ? null : f.num(key);
}

function objects(f: Fields, key: string): Fields[] {
  return f.list(key).map((item) => {
    const fields = Fields.of(item);
    if (!fields) throw new BadField(key);
    return fields;
  });
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
  complete_reply: (f) => ({
    type: 'complete_reply',
    request_id: f.str('request_id'),
    matches: f.strings('matches'),
    cursor_start: f.num('cursor_start'),
    cursor_end: f.num('cursor_end'),
    items: f.has('items') ? objects(f, 'items').map((i) => ({ text: i.str('text'), type: nullableStr(i, 'type'), signature: nullableStr(i, 'signature') })) : [],
    ...optionalError(f),
  }),
  inspect_reply: (f) => ({
    type: 'inspect_reply',
    request_id: f.str('request_id'),
    found: f.bool('found'),
    data: f.has('data') ? stringRecord(f, 'data') : {},
    ...optionalError(f),
  }),
  variables_reply: (f) => ({
    type: 'variables_reply',
    request_id: f.str('request_id'),
    variables: objects(f, 'variables').map((v) => ({
      name: v.str('name'),
      type: v.str('type'),
      shape: nullableStr(v, 'shape'),
      size: nullableStr(v, 'size'),
      memory: nullableNum(v, 'memory'),
      value: v.strOr('value', ''),
      is_dataframe: v.raw('is_dataframe') === true,
    })),
    ...optionalError(f),
  }),
  variable_view_reply: (f) => ({
    type: 'variable_view_reply',
    request_id: f.str('request_id'),
    data: f.has('data') ? f.record('data') : {},
    ...optionalError(f),
  }),
  scratch_output: (f) => ({ type: 'scratch_output', request_id: f.str('request_id'), output: output(f.object('output')) }),
  scratch_reply: (f) => {
    const status = f.str('status');
    if (status !== 'ok' && status !== 'error' && status !== 'aborted') throw new BadField('status');
    return { type: 'scratch_reply', request_id: f.str('request_id'), status, execution_count: nullableNum(f, 'execution_count'), ...optionalError(f) };
  },
  help: (f) => ({ type: 'help', cell_id: f.str('cell_id'), data: stringRecord(f, 'data') }),
  error: (f) => ({ type: 'error', code: f.str('code'), detail: f.str('detail') }),
};
