// The page's side of the output frames for Colab: which frame belongs to which cell, which of a
// cell's frames is its latest rich output (where eval_js runs), a hidden sandboxed frame for a
// cell that has none, and the one message listener that accepts Colab messages only from these
// frames. A frame is known by its window (event.source) and its origin (each frame has one of its
// own, see ../outputs/frameOrigin.ts), never by anything it says about itself; messages go to its
// exact origin, so a frame that its output navigated elsewhere gets none.

import { createContext, type RefObject } from 'preact';
import { useContext, useLayoutEffect } from 'preact/hooks';
import {
  type ColabCommFrameMessage,
  type ColabFrameMessage,
  type ColabInvoke,
  type ColabPageMessage,
  type ColabProxyPort,
  isColabFrameMessage,
} from './protocol';
import { FRAME_ALLOW, frameOrigin, frameTargetOrigin, loadFrameOrigin, newFrameSource } from '../outputs/frameOrigin';

export { FRAME_ALLOW };

/** The cell whose outputs are being rendered (OutputArea provides it, FrameOutput reads it). */
export const ColabCell = createContext<string | null>(null);

interface Entry {
  cellId: string;
  frame: RefObject<HTMLIFrameElement>;
}

const entries = new Set<Entry>();
const hidden = new Map<string, HTMLIFrameElement>();
const ready = new WeakSet<Window>();
const rendered = new WeakSet<Window>();
const waiters = new Set<() => void>();
const evals = new Map<string, { source: Window; resolve: (value: unknown) => void; reject: (error: Error) => void }>();

/** Who answers a frame's invokeFunction (the open notebook's bridge). */
let invokeHandler: ((cellId: string, source: Window, message: ColabInvoke) => void) | null = null;
export function onInvoke(handler: typeof invokeHandler): void {
  invokeHandler = handler;
}

/** Who answers a frame's proxyPort (the open notebook's bridge). */
let proxyPortHandler: ((cellId: string, source: Window, message: ColabProxyPort) => void) | null = null;
export function onProxyPort(handler: typeof proxyPortHandler): void {
  proxyPortHandler = handler;
}

/** Who handles a frame's google.colab.kernel.comms (the open notebook's bridge). */
let commHandler: ((cellId: string, source: Window, message: ColabCommFrameMessage) => void) | null = null;
export function onComm(handler: typeof commHandler): void {
  commHandler = handler;
}

// no_vertical_scroll() (setIframeHeight(-1, true, {maxHeight})) in any output of a cell lets every
// output frame of that cell grow to maxHeight, as Colab's one frame per cell does; it lasts until
// the cell's outputs are cleared.
const cellMaxHeights = new Map<string, number>();
const maxHeightListeners = new Set<() => void>();

export function setCellMaxHeight(cellId: string, maxHeight: number): void {
  cellMaxHeights.set(cellId, maxHeight);
  for (const listener of Array.from(maxHeightListeners)) listener();
}

export function cellMaxHeight(cellId: string | null): number | undefined {
  return cellId ? cellMaxHeights.get(cellId) : undefined;
}

export function onCellMaxHeight(listener: () => void): () => void {
  maxHeightListeners.add(listener);
  return () => maxHeightListeners.delete(listener);
}

/** Registers an output frame of the cell being rendered (call in FrameOutput); returns the cell. */
export function useColabFrame(frame: RefObject<HTMLIFrameElement>): string | null {
  const cellId = useContext(ColabCell);
  useLayoutEffect(() => {
    if (!cellId) return;
    const entry = { cellId, frame };
    entries.add(entry);
    return () => {
      entries.delete(entry);
      if (!Array.from(entries).some((e) => e.cellId === cellId)) cellMaxHeights.delete(cellId);
    };
  }, [cellId, frame]);
  return cellId;
}

function cellOf(source: Window): string | null {
  for (const entry of entries) if (entry.frame.current?.contentWindow === source) return entry.cellId;
  for (const [cellId, frame] of hidden) if (frame.contentWindow === source) return cellId;
  return null;
}

/** The frame element whose window is `source` (an output frame of this page), or null. */
function frameOf(source: Window): HTMLIFrameElement | null {
  for (const entry of entries) if (entry.frame.current?.contentWindow === source) return entry.frame.current;
  for (const frame of hidden.values()) if (frame.contentWindow === source) return frame;
  return null;
}

function changed(): void {
  for (const wake of Array.from(waiters)) wake();
}

window.addEventListener('message', (event) => {
  if (!isColabFrameMessage(event.data) || !event.source) return;
  const source = event.source as Window;
  const cellId = cellOf(source);
  if (cellId === null) return; // not one of this page's output frames
  const element = frameOf(source);
  if (!element || event.origin !== frameOrigin(element)) return; // navigated away from its output
  const message: ColabFrameMessage = event.data;
  if (message.nbcloud === 'colab-ready') {
    ready.add(source);
    changed();
  } else if (message.nbcloud === 'colab-rendered') {
    rendered.add(source);
    changed();
  } else if (message.nbcloud === 'colab-eval-result') {
    const pending = evals.get(message.id);
    if (!pending || pending.source !== source) return; // only the frame that was asked answers
    evals.delete(message.id);
    if (message.error !== undefined) pending.reject(new Error(String(message.error)));
    else pending.resolve(message.value ?? null);
  } else if (message.nbcloud === 'colab-invoke') {
    invokeHandler?.(cellId, source, message);
  } else if (message.nbcloud === 'colab-proxy-port') {
    if (proxyPortHandler) proxyPortHandler(cellId, source, message);
    else post(source, { nbcloud: 'colab-proxy-port-result', id: message.id, error: 'This notebook is not open.' });
  } else if (commHandler) {
    commHandler(cellId, source, message);
  } else if (message.nbcloud === 'colab-comm-open' || message.nbcloud === 'colab-comm-send') {
    post(source, { nbcloud: 'colab-comm-result', id: message.id, error: 'This notebook is not open.' });
  }
});

/** Sends to a frame's own window at its own origin (only to one of this page's output frames). */
export function post(target: Window, message: ColabPageMessage): void {
  const element = frameOf(target);
  if (element) target.postMessage(message, frameTargetOrigin(element));
}

/** True while `source` is one of this page's output frames (its output is still shown). */
export function isOutputFrame(source: Window): boolean {
  return cellOf(source) !== null;
}

/** The windows of the cell's output frames (its hidden one too), latest first. */
export function cellFrameWindows(cellId: string): Window[] {
  const frames = Array.from(entries)
    .filter((e) => e.cellId === cellId && e.frame.current?.isConnected)
    .map((e) => e.frame.current!);
  frames.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1));
  const hiddenFrame = hidden.get(cellId);
  if (hiddenFrame?.isConnected) frames.push(hiddenFrame);
  return frames.map((f) => f.contentWindow).filter((w): w is Window => !!w);
}

/** Every output frame's window on this page. */
export function allFrameWindows(): Window[] {
  const windows = [...Array.from(entries, (e) => e.frame.current?.contentWindow), ...Array.from(hidden.values(), (f) => f.contentWindow)];
  return windows.filter((w): w is Window => !!w);
}

function latestFrame(cellId: string): HTMLIFrameElement | null {
  const frames = Array.from(entries)
    .filter((e) => e.cellId === cellId && e.frame.current?.isConnected)
    .map((e) => e.frame.current!);
  frames.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  return frames.length ? frames[frames.length - 1] : null;
}

function hiddenFrame(cellId: string): HTMLIFrameElement {
  let frame = hidden.get(cellId);
  if (!frame || !frame.isConnected) {
    frame = document.createElement('iframe');
    const where = newFrameSource('allow-scripts');
    frame.setAttribute('sandbox', where.sandbox);
    frame.allow = FRAME_ALLOW;
    frame.title = 'Hidden output';
    frame.hidden = true;
    frame.setAttribute('aria-hidden', 'true');
    frame.src = where.src;
    document.body.append(frame);
    hidden.set(cellId, frame);
  }
  return frame;
}

/** Drops the hidden frames (the notebook closed). */
export function removeHiddenFrames(): void {
  for (const frame of hidden.values()) frame.remove();
  hidden.clear();
}

function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (check()) return resolve(true);
    const done = (ok: boolean) => {
      waiters.delete(wake);
      window.clearTimeout(timer);
      resolve(ok);
    };
    const wake = () => check() && done(true);
    const timer = window.setTimeout(() => done(check()), timeoutMs);
    waiters.add(wake);
  });
}

const delay = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

// The output a cell displayed just before calling eval_js comes through the document socket,
// the request through the events socket: give the output a moment to arrive and render.
const OUTPUT_GRACE_MS = 300;
const RENDER_WAIT_MS = 15_000;

/** The window eval_js runs in for `cellId`: its latest rich output, else its hidden frame. */
export async function evalWindow(cellId: string): Promise<Window> {
  await delay(OUTPUT_GRACE_MS);
  let frame = latestFrame(cellId);
  if (frame) {
    await until(() => {
      frame = latestFrame(cellId) ?? frame;
      return !!frame?.contentWindow && rendered.has(frame.contentWindow);
    }, RENDER_WAIT_MS);
  } else {
    await loadFrameOrigin(); // its origin: one of its own where the hub has names to give
    frame = hiddenFrame(cellId);
    await until(() => !!frame?.contentWindow && ready.has(frame.contentWindow), RENDER_WAIT_MS);
  }
  const target = frame?.contentWindow;
  if (!target) throw new Error('The output frame of this cell went away. Run the cell again.');
  return target;
}

let evalCount = 0;

/** Runs `script` in the cell's frame and resolves with its JSON value (a Promise is awaited there). */
export async function evalInCell(cellId: string, script: string): Promise<unknown> {
  const target = await evalWindow(cellId);
  const id = `${Date.now().toString(36)}-${++evalCount}-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    evals.set(id, { source: target, resolve, reject });
    post(target, { nbcloud: 'colab-eval', id, script });
  });
}
