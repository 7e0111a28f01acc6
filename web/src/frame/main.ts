// The output frame: renders one untrusted output inside a sandboxed iframe on an origin of its
// own (`f-<token>.<domain>`, named by the page in `?parent=<page origin>`, which the hub checked and
// made this page's only frame-ancestor), or, as the fallback, opaque-origin sandboxed on the hub's
// origin; and reports its height. Built as a classic script (see vite.config.ts): the fallback's
// opaque origin cannot load module scripts or fonts from the hub without CORS.

import { isRenderMessage, isThemeMessage, isWidgetEventMessage, type FrameMessage, type RenderMessage } from '../notebook/outputs/frameProtocol';
import { WIDGET_STATE_MIME, WIDGET_VIEW_MIME, type PageCommMessage, type SavedWidgetState } from '../notebook/widgets/protocol';
import { receiveWidgetEvent, showSavedWidget, showWidget } from './widgetHost';
import type { Rich } from './rich';
import { installColab, type ColabFrame } from './colab';
import { runScripts } from './scripts';

declare const __FRAME_RICH_URL__: string;

// Colab's outputs write into #output-area (its header and footer are there too, empty).
const root = document.getElementById('output-area')!;
// The page's origin, the only one this frame talks to: the `parent` the hub let frame it, or, on the
// hub's own origin (the opaque fallback), the origin of this page's URL.
const pageOrigin = new URLSearchParams(location.search).get('parent') ?? new URL(location.href).origin;
if (pageOrigin !== new URL(location.href).origin) {
  // Paths in outputs (and the hub's widget front ends) resolve against the hub, as they did when
  // output frames were the hub's pages; the CSP's base-uri allows only this.
  const base = document.createElement('base');
  base.href = `${pageOrigin}/`;
  document.head.prepend(base);
}

function tell(message: FrameMessage): void {
  window.parent.postMessage(message, pageOrigin);
}

function sendWidgetMessage(message: PageCommMessage): void {
  window.parent.postMessage({ nbcloud: 'widget-send', message }, pageOrigin);
}

let lastHeight = -1;
function reportHeight(): void {
  // pauseOutputUntil: the size is reported once the output's asynchronous setup is done.
  if (colab.paused()) return;
  // The body, not just #output-area: output scripts often append to document.body.
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (height === lastHeight) return;
  lastHeight = height;
  tell({ nbcloud: 'height', height });
}

let richLoading: Promise<Rich> | null = null;
function loadRich(): Promise<Rich> {
  richLoading ??= new Promise<Rich>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = __FRAME_RICH_URL__;
    script.onload = () => resolve((globalThis as unknown as { nbcloudRich: Rich }).nbcloudRich);
    script.onerror = () => reject(new Error('The Markdown and LaTeX renderer did not load. Reload the page.'));
    document.head.append(script);
  });
  return richLoading;
}

function showError(error: unknown): void {
  const pre = document.createElement('pre');
  pre.className = 'frame-error';
  pre.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  root.append(pre);
}

async function render({ mime, value, metadata }: RenderMessage): Promise<void> {
  root.replaceChildren();
  if (mime === 'text/html') {
    root.innerHTML = value;
    await runScripts(root);
  } else if (mime === WIDGET_VIEW_MIME) {
    const saved = metadata?.[WIDGET_STATE_MIME] as SavedWidgetState | undefined;
    if (saved) await showSavedWidget(root, value, saved, sendWidgetMessage, metadata);
    else await showWidget(root, value, sendWidgetMessage, metadata);
  } else if (mime === 'image/svg+xml') {
    root.innerHTML = value;
  } else if (mime === 'application/javascript') {
    // As in Jupyter: the code runs with `element`, the node it may draw into.
    // In the global scope (indirect eval), as Colab does: functions it defines stay callable by
    // later eval_js() and by the output's own handlers.
    const element = document.createElement('div');
    root.append(element);
    (globalThis as unknown as { element: HTMLElement }).element = element;
    (0, eval)(value);
  } else if (mime === 'text/markdown' || mime === 'text/latex') {
    const rich = await loadRich();
    if (!document.getElementById('katex-css')) {
      const style = document.createElement('style');
      style.id = 'katex-css';
      style.textContent = rich.css;
      document.head.append(style);
    }
    const div = document.createElement('div');
    div.className = mime === 'text/markdown' ? 'markdown' : 'latex';
    div.innerHTML = mime === 'text/markdown' ? rich.renderMarkdown(value) : rich.renderLatex(value);
    root.append(div);
  } else {
    const pre = document.createElement('pre');
    pre.textContent = value;
    root.append(pre);
  }
}

window.addEventListener('message', (event) => {
  if (event.source !== window.parent || event.origin !== pageOrigin) return;
  if (isThemeMessage(event.data)) {
    // As Colab: <html theme="dark"> (or "light"); this page's own styles follow it too.
    document.documentElement.setAttribute('theme', event.data.theme);
    return;
  }
  if (isWidgetEventMessage(event.data)) {
    receiveWidgetEvent(event.data.event, sendWidgetMessage);
    return;
  }
  if (!isRenderMessage(event.data)) return;
  render(event.data)
    .catch(showError)
    .finally(() => {
      reportHeight();
      colab.rendered();
    });
});

const colab: ColabFrame = installColab(root, pageOrigin, () => {
  lastHeight = -1;
  reportHeight();
});
new ResizeObserver(reportHeight).observe(document.body);
tell({ nbcloud: 'ready' });
