// Widget messages as the hub sends them on the events socket and as the page and an output
// frame pass them on (see nbcloud.hub.execution.comms). Buffers travel as base64 strings.

export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
/** The notebook's saved widget models, under `metadata.widgets` (the hub writes it at each save). */
export const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';

/** One saved model, as `metadata.widgets[WIDGET_STATE_MIME].state[model_id]` holds it. */
export interface SavedWidgetModel {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
  buffers?: { path: (string | number)[]; encoding: 'base64' | 'hex'; data: string }[];
}

/** The saved widget state of a notebook (what html-manager's `set_state` loads). */
export interface SavedWidgetState {
  version_major: number;
  version_minor: number;
  state: Record<string, SavedWidgetModel>;
}

/** The saved widget state in a notebook's metadata, or null when it has none it can use. */
export function savedWidgetState(metadata: unknown): SavedWidgetState | null {
  if (!metadata || typeof metadata !== 'object') return null;
  const widgets = (metadata as Record<string, unknown>).widgets;
  if (!widgets || typeof widgets !== 'object') return null;
  const saved = (widgets as Record<string, unknown>)[WIDGET_STATE_MIME] as Partial<SavedWidgetState> | undefined;
  if (!saved || typeof saved !== 'object' || !saved.state || typeof saved.state !== 'object') return null;
  if (typeof saved.version_major !== 'number' || saved.version_major > 2) return null;
  return saved as SavedWidgetState;
}

/** The saved models a view of `modelId` needs: it and every model it refers to. */
export function savedClosure(saved: SavedWidgetState, modelId: string): SavedWidgetState | null {
  if (!saved.state[modelId]) return null;
  const state: Record<string, SavedWidgetModel> = {};
  const todo = [modelId];
  while (todo.length) {
    const id = todo.pop()!;
    const model = saved.state[id];
    if (state[id] || !model) continue;
    state[id] = model;
    todo.push(...referencedModels(model.state));
  }
  return { version_major: saved.version_major, version_minor: saved.version_minor, state };
}

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

// -- third-party widget packages (see extensions.ts and web/src/frame/widgetExtensions.ts) --

/** Where a widget frame's render message carries the catalog (in the output's metadata). */
export const WIDGET_EXTENSIONS_KEY = 'nbcloud/widget-extensions';

export interface WidgetExtensionInfo {
  /** The npm name, usually the widget module's name (jupyter-leaflet, bqplot, jupyterlab-plotly). */
  name: string;
  version: string;
  /** What its module-federation container exposes as the JupyterLab plugin ("./extension"). */
  exposed: string;
  /** Its remoteEntry script on the hub. */
  url: string;
}

/** The catalog as a frame's render message carries it, or an empty one when it carries none. */
export function catalogOf(metadata: Record<string, unknown> | undefined): WidgetExtensionInfo[] {
  const value = metadata?.[WIDGET_EXTENSIONS_KEY];
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is WidgetExtensionInfo =>
      !!e && typeof e === 'object' && typeof e.name === 'string' && typeof e.url === 'string' && typeof e.exposed === 'string' && e.url.startsWith('/widget-bundles/'),
  );
}
