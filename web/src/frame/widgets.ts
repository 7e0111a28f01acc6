// Jupyter widgets for the output frame, in their own script that a frame loads only when it shows
// a widget (the widget libraries are most of its weight). An HTMLManager from
// @jupyter-widgets/html-manager holds the models; their comms talk to the kernel through the page
// (postMessage), which relays to the hub's events socket, which relays to the kernel.

import * as base from '@jupyter-widgets/base';
import type { ICallbacks, IClassicComm } from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import widgetsCss from '@jupyter-widgets/controls/css/widgets.css?inline';
// Not the package's index: it also loads the embedding script, which a bundle cannot run.
import { HTMLManager } from '@jupyter-widgets/html-manager/lib/htmlmanager';
import outputCss from '@jupyter-widgets/html-manager/css/output.css?inline';
import * as outputWidgets from '@jupyter-widgets/html-manager/lib/output';
import type { CommEvent, CommOpenEvent, PageCommMessage, SavedWidgetState, WidgetExtensionInfo } from '../notebook/widgets/protocol';
import { missingFrontEnd, WidgetExtensions } from './widgetExtensions';

/** What a comm sends: JSON, as @jupyter-widgets/base types it. */
type CommData = Parameters<IClassicComm['send']>[0];
// Kernel messages as the widget manager takes them; the frame fills in only the fields widgets read.
type StatusMessage = Parameters<NonNullable<NonNullable<ICallbacks['iopub']>['status']>>[0];
type CommOpenMessage = Parameters<HTMLManager['handle_comm_open']>[1];

const MODULES: Record<string, Record<string, unknown>> = {
  '@jupyter-widgets/base': base as unknown as Record<string, unknown>,
  '@jupyter-widgets/controls': controls as unknown as Record<string, unknown>,
  '@jupyter-widgets/output': outputWidgets as unknown as Record<string, unknown>,
};

type WidgetClass = typeof base.WidgetModel | typeof base.WidgetView;

/** The built-in widgets, then the third-party packages installed in the runtime environment
 * (served by the hub as JupyterLab extensions; never fetched from a CDN). */
class FrameManager extends HTMLManager {
  /** Why a module's classes did not load (the manager draws a mute "broken" icon instead). */
  readonly failures = new Map<string, Error>();

  constructor(private readonly extensions: WidgetExtensions) {
    super();
  }

  override async loadClass(className: string, moduleName: string, moduleVersion: string): Promise<WidgetClass> {
    const builtIn = MODULES[moduleName]?.[className];
    if (builtIn) return builtIn as WidgetClass;
    const module = await this.extensions.module(moduleName);
    const found = module?.[className];
    if (found) return found as WidgetClass;
    const error = new Error(
      module
        ? `The widget package ${moduleName} has no widget ${className}: its Python package and its front end differ in version. Reinstall it with !pip install, then restart the runtime.`
        : missingFrontEnd(className, moduleName, moduleVersion),
    );
    this.failures.set(moduleName, error);
    throw error;
  }

  /** The view of `model`, or the reason it cannot have one (said in words, not as an icon). */
  async viewOf(model: base.WidgetModel): Promise<base.DOMWidgetView> {
    const error: unknown = model.get('error');
    if (model.get('_view_name') === 'ErrorWidgetView' && error instanceof Error) throw error;
    const view = await this.create_view<base.DOMWidgetView>(model);
    if (view instanceof base.ErrorWidgetView) {
      throw this.failures.get(String(model.get('_view_module'))) ?? new Error('This widget could not be drawn: its front end did not load.');
    }
    return view;
  }
}

function fromBase64(text: string): DataView {
  return new DataView(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)).buffer);
}

function toBase64(buffer: ArrayBuffer | ArrayBufferView): string {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function newMessageId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A model's comm: its messages go to the page, the kernel's come from it. */
class FrameComm implements IClassicComm {
  private onMessage: ((msg: unknown) => void) | null = null;
  private onClosed: ((msg: unknown) => void) | null = null;

  constructor(
    readonly comm_id: string,
    readonly target_name: string,
    private readonly host: WidgetsHost,
  ) {}

  open(): string {
    return ''; // every model here was opened by the kernel
  }

  send(data: CommData, callbacks?: ICallbacks, _metadata?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): string {
    return this.host.send(this.comm_id, data, callbacks, buffers ?? []);
  }

  close(): string {
    return ''; // the kernel owns the widget's life
  }

  on_msg(callback: (msg: unknown) => void): void {
    this.onMessage = callback;
  }

  on_close(callback: (msg: unknown) => void): void {
    this.onClosed = callback;
  }

  deliver(msg: unknown): void {
    this.onMessage?.(msg);
  }

  closed(msg: unknown): void {
    this.onClosed?.(msg);
  }
}

// A saved widget takes no pointer input (it would change nothing but its own picture).
const SAVED_CSS = '.widget-saved, .widget-saved * { pointer-events: none !important; }';

export class WidgetsHost {
  // The page sends the installed packages with the output, just after the models: a model of a
  // third-party widget waits for them.
  private setCatalog: (catalog: WidgetExtensionInfo[]) => void = () => {};
  private readonly extensions = new WidgetExtensions(new Promise((resolve) => (this.setCatalog = resolve)));
  private readonly manager = new FrameManager(this.extensions);
  private readonly comms = new Map<string, FrameComm>();
  private readonly waiting = new Map<string, ICallbacks>();

  constructor(private readonly post: (message: PageCommMessage) => void) {
    for (const css of [widgetsCss, outputCss, SAVED_CSS]) {
      const style = document.createElement('style');
      style.textContent = css;
      document.head.append(style);
    }
  }

  receive(event: CommEvent): void {
    if (event.type === 'widgets') {
      // Created all at once, before any awaits: a model's references resolve to models opened here.
      for (const model of event.models) this.open(model);
    } else if (event.type === 'comm_open') {
      this.open(event);
    } else if (event.type === 'comm_msg') {
      this.comms.get(event.comm_id)?.deliver({
        header: { msg_type: 'comm_msg' },
        parent_header: { msg_id: event.parent_msg_id ?? '' },
        metadata: {},
        content: { comm_id: event.comm_id, data: event.data },
        buffers: event.buffers.map(fromBase64),
      });
    } else if (event.type === 'comm_close') {
      this.comms.get(event.comm_id)?.closed({ content: { comm_id: event.comm_id, data: {} } });
      this.comms.delete(event.comm_id);
    } else if (event.type === 'comm_status') {
      const callbacks = this.waiting.get(event.msg_id);
      this.waiting.delete(event.msg_id);
      callbacks?.iopub?.status?.({ content: { execution_state: event.execution_state }, parent_header: { msg_id: event.msg_id } } as unknown as StatusMessage);
    }
  }

  send(commId: string, data: CommData, callbacks: ICallbacks | undefined, buffers: ArrayBuffer[] | ArrayBufferView[]): string {
    const msgId = newMessageId();
    if (callbacks?.iopub?.status) this.waiting.set(msgId, callbacks);
    // A widget's comm message is a JSON object (ipywidgets' message spec).
    this.post({ type: 'comm_msg', comm_id: commId, data: data as Record<string, unknown>, buffers: buffers.map(toBase64), msg_id: msgId });
    return msgId;
  }

  /** The third-party widget packages this frame may load (the first call counts). */
  useExtensions(catalog: WidgetExtensionInfo[]): void {
    this.setCatalog(catalog);
  }

  /** Draws the view of one model into `element`. */
  async show(element: HTMLElement, modelId: string): Promise<void> {
    if (!this.comms.has(modelId)) {
      throw new Error('This widget is no longer live in the runtime. Run its cell again to use it.');
    }
    const model = await this.manager.get_model(modelId);
    const view = await this.manager.viewOf(model);
    await this.manager.display_view(view, element);
  }

  /** Draws a view from saved widget state (the model is not live): it looks as it did when saved,
   * but nothing reaches a kernel and it takes no input. */
  async showSaved(element: HTMLElement, modelId: string, saved: SavedWidgetState): Promise<void> {
    // A manager of its own: its models have no comm, so a change could never be sent anywhere.
    const manager = new FrameManager(this.extensions);
    await manager.set_state(JSON.parse(JSON.stringify(saved)));
    const model = await manager.get_model(modelId);
    const view = await manager.viewOf(model);
    const holder = document.createElement('div');
    holder.className = 'widget-saved';
    holder.title = 'A saved copy of this widget. Run its cell to use it.';
    holder.setAttribute('aria-readonly', 'true');
    const refuse = (event: Event) => {
      event.preventDefault();
      event.stopPropagation();
    };
    for (const type of ['keydown', 'keypress', 'beforeinput', 'paste', 'drop', 'pointerdown', 'mousedown', 'touchstart']) {
      holder.addEventListener(type, refuse, true);
    }
    element.append(holder);
    await manager.display_view(view, holder);
  }

  private open(event: CommOpenEvent): void {
    if (this.comms.has(event.comm_id)) return;
    const comm = new FrameComm(event.comm_id, event.target_name, this);
    this.comms.set(event.comm_id, comm);
    const data = JSON.parse(JSON.stringify(event.data));
    this.manager
      .handle_comm_open(comm, {
        content: { comm_id: event.comm_id, target_name: event.target_name, data },
        metadata: event.metadata,
        buffers: event.buffers.map(fromBase64),
      } as unknown as CommOpenMessage)
      .catch((error: unknown) => console.error('A widget model could not be created:', error));
  }
}

export interface Widgets {
  createHost(post: (message: PageCommMessage) => void): WidgetsHost;
}

const widgets: Widgets = { createHost: (post) => new WidgetsHost(post) };
(globalThis as unknown as { nbcloudWidgets: Widgets }).nbcloudWidgets = widgets;
