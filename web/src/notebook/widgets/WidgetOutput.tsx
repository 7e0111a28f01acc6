// A widget view output (`application/vnd.jupyter.widget-view+json`): a live widget in a sandboxed
// output frame while the kernel that made it has its model; otherwise the text the kernel gave as
// its stand-in, as in Jupyter (a saved notebook, a restarted runtime).

import { FrameOutput } from '../outputs/FrameOutput';
import { TextOutput } from '../outputs/TextOutput';
import { WIDGET_VIEW_MIME } from './protocol';
import { widgetRegistry } from './registry';

export interface WidgetOutputProps {
  notebookId: string;
  /** The output's view data: `{model_id, version_major, version_minor}`. */
  view: unknown;
  /** The output's text/plain, shown when the widget is not live. */
  fallback: string;
}

export function WidgetOutput({ notebookId, view, fallback }: WidgetOutputProps) {
  const registry = widgetRegistry(notebookId);
  const modelId = view && typeof view === 'object' ? String((view as Record<string, unknown>).model_id ?? '') : '';
  const live = registry.modelIds.value.has(modelId);
  // A whole new state from the hub (reconnect, restart): the frame starts over from it.
  const generation = registry.generation.value;
  if (!live) {
    return <TextOutput text={fallback || 'This widget is not live: run its cell again to use it.'} kind="result" />;
  }
  return <FrameOutput key={generation} mime={WIDGET_VIEW_MIME} value={JSON.stringify(view)} metadata={{}} widgets={registry} />;
}
