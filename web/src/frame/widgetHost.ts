// The frame's side of widgets, in its main script: loads the widget script (widgets.ts) the first
// time the page sends widget state, and hands it the page's comm events in the order they came.

import { catalogOf, type CommEvent, type PageCommMessage, type SavedWidgetState } from '../notebook/widgets/protocol';
import type { Widgets, WidgetsHost } from './widgets';

declare const __FRAME_WIDGETS_URL__: string;

let host: Promise<WidgetsHost> | null = null;

function load(post: (message: PageCommMessage) => void): Promise<WidgetsHost> {
  host ??= new Promise<Widgets>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = __FRAME_WIDGETS_URL__;
    script.onload = () => resolve((globalThis as unknown as { nbcloudWidgets: Widgets }).nbcloudWidgets);
    script.onerror = () => reject(new Error('The widget library did not load. Reload the page.'));
    document.head.append(script);
  }).then((widgets) => widgets.createHost(post));
  return host;
}

/** One comm event from the page (handled after every earlier one). */
export function receiveWidgetEvent(event: CommEvent, post: (message: PageCommMessage) => void): void {
  load(post)
    .then((h) => h.receive(event))
    .catch((error) => console.error(error));
}

function viewModelId(view: string): string {
  const { model_id: modelId } = JSON.parse(view) as { model_id?: unknown };
  if (typeof modelId !== 'string') throw new Error('This widget output names no model. Run its cell again.');
  return modelId;
}

/** Draws the widget view `{model_id}` (the output's JSON) into `element`; `metadata` is the
 * render message's (it lists the third-party widget packages the frame may load). */
export async function showWidget(
  element: HTMLElement,
  view: string,
  post: (message: PageCommMessage) => void,
  metadata?: Record<string, unknown>,
): Promise<void> {
  const host = await load(post);
  host.useExtensions(catalogOf(metadata));
  await host.show(element, viewModelId(view));
}

/** Draws the widget view from the notebook's saved widget state: read-only, no kernel behind it. */
export async function showSavedWidget(
  element: HTMLElement,
  view: string,
  saved: SavedWidgetState,
  post: (message: PageCommMessage) => void,
  metadata?: Record<string, unknown>,
): Promise<void> {
  const host = await load(post);
  host.useExtensions(catalogOf(metadata));
  await host.showSaved(element, viewModelId(view), saved);
}
