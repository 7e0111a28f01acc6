// An output that may carry script (HTML, JavaScript, SVG, Markdown, LaTeX) in its own sandboxed
// frame, on an origin of its own, `f-<random token>.<domain>` (see frameOrigin.ts), as Colab shows
// each output from an origin of its own: the hub's cookies never go there, it calls no API as the
// person, it cannot reach this page's DOM or another output's storage, and being a real origin it
// may ask for the camera and microphone (behind the browser's prompt). Where the hub has no names
// to give, the frame stays on the hub's origin with `sandbox` lacking allow-same-origin (opaque).
// Forms and popups are for what the output embeds or opens (a runtime's web server shown with
// serve_kernel_port_as_iframe / _as_window, links with target=_blank); the frame's own page allows
// no form submission (form-action 'none'); never allow-top-navigation.
// The frame loads /output-frame.html, says "ready", gets the output by postMessage (to its exact
// origin), and reports its height so the page sizes it to its content.
//
// One frame per rich output (not one per cell): text and images between rich outputs stay in the
// page in their order, an output that changes (update_display_data) reloads only its own frame
// without re-running its neighbours' scripts, and one hostile output cannot rewrite another.
// Like Colab across cells, scripts of two outputs cannot share globals.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { effectiveTheme } from '../../state/preferences';
import { cellMaxHeight, FRAME_ALLOW, onCellMaxHeight, setCellMaxHeight, useColabFrame } from '../colab/frames';
import { frameOrigin, frameOriginTemplate, frameTargetOrigin, loadFrameOrigin, newFrameSource } from './frameOrigin';
import type { WidgetRegistry } from '../widgets/registry';
import { isPageCommMessage } from '../widgets/protocol';
import { isFrameMessage, isWidgetSendMessage, type RenderMessage, type ThemeMessage, type WidgetEventMessage } from './frameProtocol';

/** A frame never grows past this (a script that sizes itself to the frame would grow forever);
 * longer content scrolls inside the frame. */
export const MAX_FRAME_HEIGHT = 5000;
const INITIAL_HEIGHT = 20;
/** How tall google.colab.output.setIframeHeight / no_vertical_scroll may make a frame. */
export const MAX_REQUESTED_HEIGHT = 100_000;
/** The fallback, on the hub's origin: never allow-same-origin there, the output's origin stays opaque.
 * (On an origin of its own a frame gets OWN_ORIGIN_SANDBOX, see frameOrigin.ts.) */
export const OUTPUT_SANDBOX = 'allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox';

loadFrameOrigin();

export interface FrameOutputProps {
  mime: string;
  value: string;
  metadata: Record<string, unknown>;
  /** For a widget view: the notebook's live widgets, whose comms this frame joins. */
  widgets?: WidgetRegistry;
}

export function FrameOutput({ mime, value, metadata, widgets }: FrameOutputProps) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(INITIAL_HEIGHT);
  // google.colab.output.setIframeHeight: a fixed height, or how tall the content may grow.
  const policy = useRef<{ fixed: number | null; maxHeight: number }>({ fixed: null, maxHeight: MAX_FRAME_HEIGHT });
  const contentHeight = useRef(INITIAL_HEIGHT);
  const message = useRef<RenderMessage>({ nbcloud: 'render', mime, value, metadata });
  const generation = useRef(0);
  const cellId = useColabFrame(frame); // eval_js and invokeFunction of this cell's outputs
  const cellRef = useRef(cellId);
  cellRef.current = cellId;
  if (message.current.mime !== mime || message.current.value !== value) {
    // New content: a fresh frame, so the old output's scripts and timers are gone.
    generation.current += 1;
    message.current = { nbcloud: 'render', mime, value, metadata };
  }
  const template = frameOriginTemplate.value; // undefined until the hub has said where frames live
  const where = useMemo(() => (template === undefined ? null : newFrameSource(OUTPUT_SANDBOX)), [generation.current, template]);

  useLayoutEffect(() => {
    let unsubscribe = () => {};
    const onMessage = (event: MessageEvent) => {
      const element = frame.current;
      const target = element?.contentWindow;
      if (!element || !target || event.source !== target || event.origin !== frameOrigin(element)) return;
      if (widgets && isWidgetSendMessage(event.data)) {
        if (isPageCommMessage(event.data.message)) widgets.send(event.data.message);
        return;
      }
      if (!isFrameMessage(event.data)) return;
      if (event.data.nbcloud === 'ready') {
        if (widgets) {
          unsubscribe();
          unsubscribe = joinWidgets(target, frameTargetOrigin(element), widgets, message.current.value);
        }
        // To the frame's own origin ('*' only for an opaque frame, which no origin names): the
        // message goes to this frame's own window and carries nothing but its output.
        // The theme first, so the output's scripts see <html theme="..."> as they run.
        target.postMessage(themeMessage(), frameTargetOrigin(element));
        target.postMessage(message.current, frameTargetOrigin(element));
      } else if (event.data.nbcloud === 'height-policy') {
        const { height: asked, autoResize, maxHeight } = event.data;
        const clamp = (value: number) => Math.min(MAX_REQUESTED_HEIGHT, Math.max(0, Math.ceil(value)));
        // no_vertical_scroll(): for every output of the cell, not only this (empty) one.
        if (asked === null && autoResize && maxHeight !== null && cellRef.current) setCellMaxHeight(cellRef.current, clamp(maxHeight));
        policy.current = {
          fixed: !autoResize && asked !== null ? clamp(asked) : null,
          maxHeight: maxHeight !== null ? clamp(maxHeight) : autoResize && asked === null ? policy.current.maxHeight : MAX_FRAME_HEIGHT,
        };
        if (asked !== null) setHeight(clamp(asked));
        else follow();
      } else {
        contentHeight.current = Math.max(0, Math.ceil(event.data.height));
        follow();
      }
    };
    const follow = () => {
      const limit = Math.max(policy.current.maxHeight, cellMaxHeight(cellRef.current) ?? 0);
      if (policy.current.fixed === null) setHeight(Math.min(limit, contentHeight.current));
    };
    const stopFollowing = onCellMaxHeight(follow);
    window.addEventListener('message', onMessage);
    return () => {
      stopFollowing();
      window.removeEventListener('message', onMessage);
      unsubscribe();
    };
  }, []);

  // The frame learns every change of theme (a frame not ready yet gets it with its output).
  const theme = effectiveTheme.value;
  useEffect(() => {
    const element = frame.current;
    const target = element?.contentWindow;
    if (element && target) target.postMessage(themeMessage(), frameTargetOrigin(element));
  }, [theme]);

  if (!where) return <div class="output-frame" style={{ height: `${height}px` }} />;
  return (
    <iframe
      key={generation.current}
      ref={frame}
      class="output-frame"
      title="Output"
      sandbox={where.sandbox}
      allow={FRAME_ALLOW}
      src={where.src}
      style={{ height: `${height}px` }}
    />
  );
}

function themeMessage(): ThemeMessage {
  return { nbcloud: 'theme', theme: effectiveTheme.peek() };
}

/** Gives a widget frame the models its view needs, then relays every comm event to it. */
function joinWidgets(target: Window, origin: string, widgets: WidgetRegistry, view: string): () => void {
  let modelId = '';
  try {
    modelId = String(JSON.parse(view).model_id ?? '');
  } catch {
    // Not a view: the frame shows its own error.
  }
  const post = (event: WidgetEventMessage['event']) => target.postMessage({ nbcloud: 'widget', event } satisfies WidgetEventMessage, origin);
  post({ type: 'widgets', models: widgets.closure(modelId) });
  return widgets.subscribe((event) => {
    if (event.type !== 'widgets') post(event);
  });
}
