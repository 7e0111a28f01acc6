// The notebook's live widgets in this page, fed by the runtime events socket (the hub keeps the
// state of every widget model and relays the kernel's comm messages; see nbcloud.hub.execution.
// comms). Output frames that show a widget get the models it needs from here, then every comm
// event; their models' messages to the kernel go back through here to the socket.

import { signal } from '@preact/signals';
import { referencedModels, type CommEvent, type CommOpenEvent, type PageCommMessage, type SavedWidgetState } from './protocol';

type Listener = (event: CommEvent) => void;

export class WidgetRegistry {
  /** Bumped whenever the hub sends its whole state (a (re)connect, a kernel restart): frames
   * showing widgets start over from it. */
  readonly generation = signal(0);
  /** The ids of the live models (a signal so a widget output shows once its model exists). */
  readonly modelIds = signal<ReadonlySet<string>>(new Set());
  /** The widget state saved in the notebook's metadata: views whose model is not live draw from
   * it, read-only (a restarted runtime, a notebook saved by Jupyter). */
  readonly saved = signal<SavedWidgetState | null>(null);
  private readonly models = new Map<string, CommOpenEvent>();
  private readonly listeners = new Set<Listener>();
  private sender: ((message: PageCommMessage) => boolean) | null = null;

  /** Where this page's widget messages go (the events socket, while it is open). */
  attach(sender: ((message: PageCommMessage) => boolean) | null): void {
    this.sender = sender;
  }

  /** An event from the hub (`widgets`, `comm_open`, `comm_msg`, `comm_close`, `comm_status`). */
  receive(event: CommEvent): void {
    if (event.type === 'widgets') {
      this.models.clear();
      for (const model of event.models) this.models.set(model.comm_id, model);
      this.publishIds();
      this.generation.value += 1;
      return;
    }
    if (event.type === 'comm_open') {
      this.models.set(event.comm_id, event);
      this.publishIds();
    } else if (event.type === 'comm_msg') {
      const model = this.models.get(event.comm_id);
      const { method, state } = event.data;
      const update = method === 'update' || method === 'echo_update';
      if (model && update && state && typeof state === 'object' && !Array.isArray(state) && !event.buffers.length) {
        // Keep the page's copy current, so a frame opened later starts from the latest state.
        Object.assign(model.data.state, state);
      }
    } else if (event.type === 'comm_close') {
      this.models.delete(event.comm_id);
      this.publishIds();
    }
    for (const listener of this.listeners) listener(event);
  }

  /** A model and every model it refers to, referred ones first (so each exists when needed). */
  closure(modelId: string): CommOpenEvent[] {
    const seen = new Set<string>();
    const ordered: CommOpenEvent[] = [];
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      const model = this.models.get(id);
      if (!model) return;
      for (const ref of referencedModels(model.data.state)) visit(ref);
      ordered.push(model);
    };
    visit(modelId);
    return ordered;
  }

  has(modelId: string): boolean {
    return this.models.has(modelId);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A frame's widget message for the kernel; false when the runtime cannot be reached now. */
  send(message: PageCommMessage): boolean {
    return this.sender?.(message) ?? false;
  }

  /** How many frames follow this registry's events (each widget view's frame, while shown). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The notebook left the page: its models, its frames' listeners and its socket all go. */
  forget(): void {
    this.sender = null;
    this.models.clear();
    this.listeners.clear();
    this.saved.value = null;
    this.publishIds();
  }

  private publishIds(): void {
    this.modelIds.value = new Set(this.models.keys());
  }
}

const registries = new Map<string, WidgetRegistry>();

/** The widget registry of one notebook in this page (made on first use, until released). */
export function widgetRegistry(notebookId: string): WidgetRegistry {
  let registry = registries.get(notebookId);
  if (!registry) {
    registry = new WidgetRegistry();
    registries.set(notebookId, registry);
  }
  return registry;
}

/** The notebook is closed in this page: forget its live widgets (a later visit starts afresh from
 * the hub's snapshot), so registries do not pile up as a person opens notebook after notebook. */
export function releaseWidgetRegistry(notebookId: string): void {
  registries.get(notebookId)?.forget();
  registries.delete(notebookId);
}

/** How many notebooks have a registry in this page (for tests). */
export function registryCount(): number {
  return registries.size;
}
