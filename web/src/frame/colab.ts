// `google.colab` inside an output frame, as Colab's outputframe typings declare it (see the README's
// table): kernel.invokeFunction (a registered Python callback, through the page and the hub),
// kernel.proxyPort (a link, through the hub, to a web server in the runtime), kernel.comms (see
// comms.ts), kernel.accessAllowed; output.setIframeHeight, resizeIframeToContent,
// pauseOutputUntil and the output-area calls; and the page's eval_js requests, evaluated here in
// the frame's global scope (so a function a Javascript output defined is there, as in Colab's
// camera snippet). The frame only ever talks to its parent page; the page decides which cell it
// speaks for.

import {
  type ColabFrameMessage,
  isColabPageMessage,
  jsonValue,
  type ColabCommResult,
  type ColabEval,
  type ColabInvokeResult,
  type ColabProxyPortResult,
} from '../notebook/colab/protocol';
import type { HeightPolicyMessage } from '../notebook/outputs/frameProtocol';
import { makeComms } from './comms';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export interface ColabFrame {
  /** The output is rendered: tell the page once every pauseOutputUntil promise has settled. */
  rendered(): void;
  /** True while a pauseOutputUntil promise is pending (the frame does not report its height). */
  paused(): boolean;
}

/** `root` is #output-area; `remeasure` makes the frame report its height again. */
export function installColab(root: HTMLElement, pageOrigin: string, remeasure: () => void): ColabFrame {
  const tell = (message: ColabFrameMessage | HeightPolicyMessage) => window.parent.postMessage(message, pageOrigin);
  const calls = new Map<number, Pending>();
  let nextCall = 1;
  let activeArea: Element | null = null;
  const pauses = new Set<Promise<unknown>>();
  let renderedPending = false;

  const call = (message: { nbcloud: 'colab-comm-open' | 'colab-comm-send' } & Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextCall++;
      calls.set(id, { resolve, reject });
      try {
        tell({ ...message, id } as unknown as ColabFrameMessage);
      } catch (error) {
        calls.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  const comms = makeComms(call, tell);

  const kernel = {
    /** An output shown here can always ask (the page checks each request: who may run the
     * notebook's cells, and whether the notebook is trusted, and answers with an error if not). */
    accessAllowed: true,
    comms: comms.api,
    /** The URL (ending in "/") at which the page shows the web server on `port` of the runtime.
     * The page asks the hub for a short-lived link bound to the person viewing the notebook. */
    proxyPort(port: number, _options?: { cache?: boolean }): Promise<string> {
      return new Promise((resolve, reject) => {
        const value = Number(port);
        if (!Number.isInteger(value) || value < 1 || value > 65535) {
          reject(new Error(`Not a port: ${String(port)}`));
          return;
        }
        const id = nextCall++;
        calls.set(id, { resolve: (url) => resolve(String(url)), reject });
        tell({ nbcloud: 'colab-proxy-port', id, port: value });
      });
    },
    invokeFunction(name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
      return new Promise((resolve, reject) => {
        const id = nextCall++;
        calls.set(id, { resolve, reject });
        try {
          tell({ nbcloud: 'colab-invoke', id, name: String(name), args: jsonValue(args ?? []) as unknown[], kwargs: jsonValue(kwargs ?? {}) as Record<string, unknown> });
        } catch (error) {
          calls.delete(id);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    },
  };

  const output = {
    /** Colab: resize the output frame to `height` px; `autoResize` false keeps that height,
     * true lets it follow the content again (up to `options.maxHeight`). A negative height leaves
     * the size to the content (no_vertical_scroll passes -1). */
    setIframeHeight(height: number, autoResize = false, options: { maxHeight?: number; interactive?: boolean } = {}): void {
      const value = Number(height);
      const max = Number(options?.maxHeight);
      tell({
        nbcloud: 'height-policy',
        height: Number.isFinite(value) && value >= 0 ? value : null,
        autoResize: !!autoResize,
        maxHeight: Number.isFinite(max) && max > 0 ? max : null,
      });
      remeasure();
    },
    /** Back to following the content's height (which the frame does on its own, as in Colab). */
    resizeIframeToContent(): void {
      tell({ nbcloud: 'height-policy', height: null, autoResize: true, maxHeight: null });
      remeasure();
    },
    /** Holds the frame's height and the "rendered" signal (which eval_js waits for) until
     * `promise` settles, as Colab holds later outputs until asynchronous setup is done. */
    pauseOutputUntil(promise: Promise<unknown>): void {
      const held = Promise.resolve(promise).catch(() => undefined);
      pauses.add(held);
      void held.then(() => {
        pauses.delete(held);
        if (pauses.size) return;
        remeasure();
        if (renderedPending) {
          renderedPending = false;
          tell({ nbcloud: 'colab-rendered' });
        }
      });
    },
    getActiveOutputArea(): Element {
      return activeArea && activeArea.isConnected ? activeArea : root;
    },
    setActiveOutputArea(element: Element | null): void {
      activeArea = element instanceof Element ? element : null;
    },
    getDefaultOutputArea(): Element {
      return root;
    },
  };

  const colab = { kernel, output };
  const global = globalThis as unknown as { google?: Record<string, unknown> };
  global.google = { ...(global.google ?? {}), colab };

  async function evaluate({ id, script }: ColabEval): Promise<void> {
    try {
      // Indirect eval: the frame's global scope, where Javascript outputs define their functions.
      const value = await (0, eval)(script);
      tell({ nbcloud: 'colab-eval-result', id, value: jsonValue(value) });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      tell({ nbcloud: 'colab-eval-result', id, error: message });
    }
  }

  function answered(message: ColabInvokeResult | ColabProxyPortResult | ColabCommResult): void {
    const pending = calls.get(message.id);
    if (!pending) return;
    calls.delete(message.id);
    if (message.error !== undefined) pending.reject(new Error(message.error));
    else if (message.nbcloud === 'colab-proxy-port-result') pending.resolve(message.url);
    else if (message.nbcloud === 'colab-comm-result') pending.resolve(message.commId);
    else pending.resolve(message.result);
  }

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== pageOrigin || !isColabPageMessage(event.data)) return;
    if (event.data.nbcloud === 'colab-eval') void evaluate(event.data);
    else if (event.data.nbcloud === 'colab-comm-event') comms.received(event.data);
    else answered(event.data);
  });
  tell({ nbcloud: 'colab-ready' });
  return {
    rendered: () => {
      if (pauses.size) renderedPending = true;
      else tell({ nbcloud: 'colab-rendered' });
    },
    paused: () => pauses.size > 0,
  };
}
