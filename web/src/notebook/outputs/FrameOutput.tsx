// An output that may carry script (HTML, JavaScript, SVG, Markdown, LaTeX) in its own sandboxed
// frame: `sandbox="allow-scripts allow-forms allow-popups"` without allow-same-origin gives it an
// opaque origin, so it has no cookies, no storage, no same-origin API calls and no access to this
// page. Forms and popups are for what the output embeds or opens (a runtime's web server shown with
// serve_kernel_port_as_iframe / _as_window, links with target=_blank); frames and tabs it opens
// inherit the sandbox, and the frame's own page allows no form submission (form-action 'none').
// The frame loads /output-frame.html, says "ready", gets the output by postMessage, and reports
// its height so the page sizes it to its content.
//
// One frame per rich output (not one per cell): text and images between rich outputs stay in the
// page in their order, an output that changes (update_display_data) reloads only its own frame
// without re-running its neighbours' scripts, and one hostile output cannot rewrite another.
// Like Colab across cells, scripts of two outputs cannot share globals.

import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { cellMaxHeight, FRAME_ALLOW, onCellMaxHeight, setCellMaxHeight, useColabFrame } from '../colab/frames';
import type { WidgetRegistry } from '../widgets/registry';
import { isPageCommMessage } from '../widgets/protocol';
import { isFrameMessage, isWidgetSendMessage, type RenderMessage, type WidgetEventMessage } from './frameProtocol';

/** A frame never grows past this (a script that sizes itself to the frame would grow forever);
 * longer content scrolls inside the frame. */
export const MAX_FRAME_HEIGHT = 5000;
const INITIAL_HEIGHT = 20;
/** How tall google.colab.output.setIframeHeight / no_vertical_scroll may make a frame. */
export const MAX_REQUESTED_HEIGHT = 100_000;
/** Never allow-same-origin: the output's origin stays opaque. */
export const OUTPUT_SANDBOX = 'allow-scripts allow-forms allow-popups';

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

  useLayoutEffect(() => {
    let unsubscribe = () => {};
    const onMessage = (event: MessageEvent) => {
      const target = frame.current?.contentWindow;
      if (!target || event.source !== target) return;
      if (widgets && isWidgetSendMessage(event.data)) {
        if (isPageCommMessage(event.data.message)) widgets.send(event.data.message);
        return;
      }
      if (!isFrameMessage(event.data)) return;
      if (event.data.nbcloud === 'ready') {
        if (widgets) {
          unsubscribe();
          unsubscribe = joinWidgets(target, widgets, message.current.value);
        }
        // The frame's origin is opaque ("null"), so '*' is the only target that reaches it; the
        // message goes to this frame's own window and carries nothing but its output.
        target.postMessage(message.current, '*');
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

  return (
    <iframe
      key={generation.current}
      ref={frame}
      class="output-frame"
      title="Output"
      sandbox={OUTPUT_SANDBOX}
      allow={FRAME_ALLOW}
      src="/output-frame.html"
      style={{ height: `${height}px` }}
    />
  );
}

/** Gives a widget frame the models its view needs, then relays every comm event to it. */
function joinWidgets(target: Window, widgets: WidgetRegistry, view: string): () => void {
  let modelId = '';
  try {
    modelId = String(JSON.parse(view).model_id ?? '');
  } catch {
    // Not a view: the frame shows its own error.
  }
  const post = (event: WidgetEventMessage['event']) => target.postMessage({ nbcloud: 'widget', event } satisfies WidgetEventMessage, '*');
  post({ type: 'widgets', models: widgets.closure(modelId) });
  return widgets.subscribe((event) => {
    if (event.type !== 'widgets') post(event);
  });
}
