// Widget messages as the hub sends them on the events socket and as the page and an output
// frame pass them on (see nbcloud.hub.execution.comms). Buffers travel as base64 strings.

export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';

export interface CommOpenEvent {
  type: 'comm_open';
  comm_id: string;
  target_name: string;
  data: { state: Record<string, unknown>; buffer_paths: (string | number)[][] };
  metadata: Record<string, unknown>;
  buffers: string[];
}

export interface CommMsgEvent {
  type: 'comm_msg';
  comm_id: string;
  data: Record<string, unknown>;
  buffers: string[];
  /** The request the kernel answered (ipywidgets matches its own echoes by it). */
  parent_msg_id: string | null;
}

export interface CommCloseEvent {
  type: 'comm_close';
  comm_id: string;
}

/** The kernel finished handling a widget message (ipywidgets throttles until then). */
export interface CommStatusEvent {
  type: 'comm_status';
  msg_id: string;
  execution_state: string;
}

/** Every live model: what a page gets on connecting, and after a kernel restart. */
export interface WidgetsEvent {
  type: 'widgets';
  models: CommOpenEvent[];
}

export type CommEvent = CommOpenEvent | CommMsgEvent | CommCloseEvent | CommStatusEvent | WidgetsEvent;

/** A widget's message to the kernel (a changed value, a click). */
export interface PageCommMessage {
  type: 'comm_msg';
  comm_id: string;
  data: Record<string, unknown>;
  buffers: string[];
  msg_id: string;
}

const EVENT_TYPES = new Set(['comm_open', 'comm_msg', 'comm_close', 'comm_status', 'widgets']);

export function isCommEvent(message: Record<string, unknown>): message is CommEvent & Record<string, unknown> {
  return typeof message.type === 'string' && EVENT_TYPES.has(message.type);
}

export function isPageCommMessage(data: unknown): data is PageCommMessage {
  if (!data || typeof data !== 'object') return false;
  const m = data as Record<string, unknown>;
  return (
    m.type === 'comm_msg' &&
    typeof m.comm_id === 'string' &&
    typeof m.msg_id === 'string' &&
    !!m.data &&
    typeof m.data === 'object' &&
    Array.isArray(m.buffers) &&
    m.buffers.every((b) => typeof b === 'string')
  );
}

/** The model ids a widget state refers to (`"IPY_MODEL_<id>"` anywhere inside it). */
export function referencedModels(state: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [state];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.startsWith('IPY_MODEL_')) found.push(value.slice('IPY_MODEL_'.length));
    } else if (Array.isArray(value)) {
      stack.push(...value);
    } else if (value && typeof value === 'object') {
      stack.push(...Object.values(value));
    }
  }
  return found;
}
