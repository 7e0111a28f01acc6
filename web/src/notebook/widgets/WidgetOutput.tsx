// A widget view output (`application/vnd.jupyter.widget-view+json`): a live widget in a sandboxed
// output frame while the kernel that made it has its model. When the model is not live (a restarted
// runtime, a notebook opened fresh or saved by Jupyter), the frame draws it read-only from the
// widget state saved in the notebook's metadata, as Jupyter does; with no saved state either, the
// text the kernel gave as its stand-in.

import { FrameOutput } from '../outputs/FrameOutput';
import { TextOutput } from '../outputs/TextOutput';
import { loadWidgetExtensions, widgetExtensionCatalog } from './extensions';
import { savedClosure, WIDGET_EXTENSIONS_KEY, WIDGET_STATE_MIME, WIDGET_VIEW_MIME } from './protocol';
import { widgetRegistry } from './registry';

export interface WidgetOutputProps {
  notebookId: string;
  /** The output's view data: `{model_id, version_major, version_minor}`. */
  view: unknown;
  /** The output's text/plain, shown when the widget is neither live nor saved. */
  fallback: string;
}

export function WidgetOutput({ notebookId, view, fallback }: WidgetOutputProps) {
  const registry = widgetRegistry(notebookId);
  const modelId = view && typeof view === 'object' ? String((view as Record<string, unknown>).model_id ?? '') : '';
  const live = registry.modelIds.value.has(modelId);
  // A whole new state from the hub (reconnect, restart): the frame starts over from it.
  const generation = registry.generation.value;
  // The installed third-party widget packages go with the output: the frame loads the ones it needs.
  const catalog = widgetExtensionCatalog.value;
  const saved = registry.saved.value ? savedClosure(registry.saved.value, modelId) : null;
  if ((live || saved) && !catalog) {
    loadWidgetExtensions();
    return null; // a moment, once per page
  }
  const extensions = { [WIDGET_EXTENSIONS_KEY]: catalog };
  if (live) {
    return <FrameOutput key={`live-${generation}`} mime={WIDGET_VIEW_MIME} value={JSON.stringify(view)} metadata={extensions} widgets={registry} />;
  }
  if (saved) {
    // Only what this view needs goes to the frame; a new saved state draws a new frame.
    const state = JSON.stringify(saved);
    return <FrameOutput key={`saved-${state}`} mime={WIDGET_VIEW_MIME} value={JSON.stringify(view)} metadata={{ [WIDGET_STATE_MIME]: saved, ...extensions }} />;
  }
  return <TextOutput text={fallback || 'This widget is not live: run its cell again to use it.'} kind="result" />;
}
