// `google.colab` inside an output frame, as Colab's outputs expect it: kernel.invokeFunction
// (a registered Python callback, through the page and the hub), output.setIframeHeight and the
// output-area calls, and the page's eval_js requests, evaluated here in the frame's global scope
// (so a function a Javascript output defined is there, as in Colab's camera snippet).
// The frame only ever talks to its parent page; the page decides which cell it speaks for.

import {
  type ColabFrameMessage,
  isColabPageMessage,
  jsonValue,
  type ColabEval,
  type ColabInvokeResult,
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

  function answered({ id, result, error }: ColabInvokeResult): void {
    const call = calls.get(id);
    if (!call) return;
    calls.delete(id);
    if (error !== undefined) call.reject(new Error(error));
    else call.resolve(result);
  }

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || !isColabPageMessage(event.data)) return;
    if (event.data.nbcloud === 'colab-eval') void evaluate(event.data);
    else answered(event.data);
  });
  tell({ nbcloud: 'colab-ready' });
  return { rendered: () => tell({ nbcloud: 'colab-rendered' }) };
}
