// The messages between the page and a sandboxed output frame (web/src/frame). The frame has an
// origin of its own (frameOrigin.ts): the page posts only to the frame's own contentWindow at that
// exact origin ('*' only for the opaque fallback, which no origin names) and accepts only messages
// whose source is that contentWindow and whose origin is the frame's; the frame, likewise, talks
// only to its parent at the page's origin.

/** Page -> frame: render this one output. */
export interface RenderMessage {
  nbcloud: 'render';
  mime: string;
  /** The MIME bundle's value for `mime` (a string for every MIME a frame renders). */
  value: string;
  /** The output's metadata for this MIME (for example `{width, height}`). */
  metadata: Record<string, unknown>;
}

/** Page -> frame: the page's theme (sent before the output and on every change); the frame sets
 * it as Colab does, `<html theme="dark">`, for outputs that style themselves by it. */
export interface ThemeMessage {
  nbcloud: 'theme';
  theme: 'light' | 'dark';
}

export function isThemeMessage(data: unknown): data is ThemeMessage {
  if (!data || typeof data !== 'object') return false;
  const message = data as Record<string, unknown>;
  return message.nbcloud === 'theme' && (message.theme === 'light' || message.theme === 'dark');
}

/** Frame -> page: the frame's script runs and waits for its output. */
export interface ReadyMessage {
  nbcloud: 'ready';
}

/** Frame -> page: the rendered content is this tall (CSS pixels). */
export interface HeightMessage {
  nbcloud: 'height';
  height: number;
}

/** Frame -> page: google.colab.output.setIframeHeight / resizeIframeToContent / no_vertical_scroll.
 * `height`: the height to take now (null: the content's); `autoResize` false keeps it fixed;
 * `maxHeight`: how tall the frame may grow with its content (null: the page's limit). */
export interface HeightPolicyMessage {
  nbcloud: 'height-policy';
  height: number | null;
  autoResize: boolean;
  maxHeight: number | null;
}

export type FrameMessage = ReadyMessage | HeightMessage | HeightPolicyMessage;

const finiteOrNull = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value));

export function isFrameMessage(data: unknown): data is FrameMessage {
  if (!data || typeof data !== 'object') return false;
  const message = data as Record<string, unknown>;
  if (message.nbcloud === 'ready') return true;
  if (message.nbcloud === 'height-policy') {
    return finiteOrNull(message.height) && finiteOrNull(message.maxHeight) && typeof message.autoResize === 'boolean';
  }
  return message.nbcloud === 'height' && typeof message.height === 'number' && Number.isFinite(message.height);
}

export function isRenderMessage(data: unknown): data is RenderMessage {
  if (!data || typeof data !== 'object') return false;
  const message = data as Record<string, unknown>;
  return message.nbcloud === 'render' && typeof message.mime === 'string' && typeof message.value === 'string';
}

/** Page -> frame showing a widget: the models it needs (a `widgets` event), then every comm event. */
export interface WidgetEventMessage {
  nbcloud: 'widget';
  event: import('../widgets/protocol').CommEvent;
}

/** Frame -> page: a widget's message for the kernel. */
export interface WidgetSendMessage {
  nbcloud: 'widget-send';
  message: import('../widgets/protocol').PageCommMessage;
}

export function isWidgetEventMessage(data: unknown): data is WidgetEventMessage {
  if (!data || typeof data !== 'object') return false;
  const message = data as Record<string, unknown>;
  return message.nbcloud === 'widget' && !!message.event && typeof message.event === 'object';
}

export function isWidgetSendMessage(data: unknown): data is WidgetSendMessage {
  return !!data && typeof data === 'object' && (data as Record<string, unknown>).nbcloud === 'widget-send';
}
