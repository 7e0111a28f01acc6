// `google.colab` inside an output frame, as Colab's outputs expect it: kernel.invokeFunction
// (a registered Python callback, through the page and the hub), kernel.proxyPort (a link, through
// the hub, to a web server in the runtime), output.setIframeHeight and the
// output-area calls, and the page's eval_js requests, evaluated here in the frame's global scope
// (so a function a Javascript output defined is there, as in Colab's camera snippet).
// The frame only ever talks to its parent page; the page decides which cell it speaks for.

import {
  type ColabFrameMessage,
  isColabPageMessage,
  jsonValue,
  type ColabEval,
  type ColabInvokeResult,
  type ColabProxyPortResult,
} from '../notebook/colab/protocol';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export function installColab(root: HTMLElement, pageOrigin: string): { rendered: () => void } {
  const tell = (message: ColabFrameMessage) => window.parent.postMessage(message, pageOrigin);
  const calls = new Map<number, Pending>();
  let nextCall = 1;
  let activeArea: Element | null = null;

  const kernel = {
    /** Colab skips outputs that need the runtime when the viewer cannot reach it; here the page decides. */
    accessAllowed: true,
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
    /** Colab sizes the output frame; here the frame grows to its content, at least `height`. */
    setIframeHeight(height: number): void {
      if (Number.isFinite(Number(height))) document.body.style.minHeight = `${Number(height)}px`;
    },
    resizeIframeToContent(): void {
      document.body.style.minHeight = '';
    },
    getActiveOutputArea(): Element {
      return activeArea && activeArea.isConnected ? activeArea : root;
    },
    setActiveOutputArea(element: Element | null): void {
      activeArea = element;
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

  function answered(message: ColabInvokeResult | ColabProxyPortResult): void {
    const call = calls.get(message.id);
    if (!call) return;
    calls.delete(message.id);
    if (message.error !== undefined) call.reject(new Error(message.error));
    else call.resolve(message.nbcloud === 'colab-proxy-port-result' ? message.url : message.result);
  }

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || !isColabPageMessage(event.data)) return;
    if (event.data.nbcloud === 'colab-eval') void evaluate(event.data);
    else answered(event.data);
  });
  tell({ nbcloud: 'colab-ready' });
  return { rendered: () => tell({ nbcloud: 'colab-rendered' }) };
}
