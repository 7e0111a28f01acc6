// The Colab messages between the page and a sandboxed output frame (besides render/ready/height
// in outputs/frameProtocol). The page sends only to a frame's own contentWindow and accepts only
// messages whose source is one of its output frames; everything else is dropped. A frame never
// names a cell or a Colab request: the page knows which cell a frame belongs to and which eval it
// asked that frame for, so one output cannot answer or call on behalf of another cell.

/** Frame -> page: google.colab is installed (a hidden eval frame needs nothing more). */
export interface ColabReady {
  nbcloud: 'colab-ready';
}
/** Frame -> page: the output is rendered (its scripts ran), so an eval may use what it defined. */
export interface ColabRendered {
  nbcloud: 'colab-rendered';
}
/** Frame -> page: google.colab.kernel.invokeFunction(name, args, kwargs). */
export interface ColabInvoke {
  nbcloud: 'colab-invoke';
  id: number;
  name: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}
/** Frame -> page: google.colab.kernel.proxyPort(port): a link to a web server in the runtime. */
export interface ColabProxyPort {
  nbcloud: 'colab-proxy-port';
  id: number;
  port: number;
}
/** Frame -> page: the value (or error) of the eval the page asked for with `id`. */
export interface ColabEvalResult {
  nbcloud: 'colab-eval-result';
  id: string;
  value?: unknown;
  error?: string;
}
/** Frame -> page: google.colab.kernel.comms.open(target, data, buffers); answered by ColabCommResult. */
export interface ColabCommOpen {
  nbcloud: 'colab-comm-open';
  id: number;
  target: string;
  data: unknown;
  buffers: ArrayBuffer[];
}
/** Frame -> page: comm.send(data, {buffers}) on a comm this frame opened or was given. */
export interface ColabCommSend {
  nbcloud: 'colab-comm-send';
  id: number;
  commId: string;
  data: unknown;
  buffers: ArrayBuffer[];
}
/** Frame -> page: comm.close(). */
export interface ColabCommClose {
  nbcloud: 'colab-comm-close';
  commId: string;
}
/** Frame -> page: google.colab.kernel.comms.registerTarget(target, callback). */
export interface ColabCommRegister {
  nbcloud: 'colab-comm-register';
  target: string;
}
export type ColabCommFrameMessage = ColabCommOpen | ColabCommSend | ColabCommClose | ColabCommRegister;
export type ColabFrameMessage = ColabReady | ColabRendered | ColabInvoke | ColabProxyPort | ColabEvalResult | ColabCommFrameMessage;

/** Page -> frame: evaluate `script` (eval_js), answer with a ColabEvalResult of the same id. */
export interface ColabEval {
  nbcloud: 'colab-eval';
  id: string;
  script: string;
}
/** Page -> frame: the answer to the frame's ColabInvoke `id`. */
export interface ColabInvokeResult {
  nbcloud: 'colab-invoke-result';
  id: number;
  result?: unknown;
  error?: string;
}
/** Page -> frame: the answer to the frame's ColabProxyPort `id`: an absolute URL ending in "/". */
export interface ColabProxyPortResult {
  nbcloud: 'colab-proxy-port-result';
  id: number;
  url?: string;
  error?: string;
}
/** Page -> frame: the answer to the frame's ColabCommOpen / ColabCommSend `id`. */
export interface ColabCommResult {
  nbcloud: 'colab-comm-result';
  id: number;
  commId?: string;
  error?: string;
}
/** Page -> frame: the kernel opened a comm to a target this frame registered (`open`), sent on
 * one of this frame's comms (`msg`) or closed one (`close`). */
export interface ColabCommEvent {
  nbcloud: 'colab-comm-event';
  event: 'open' | 'msg' | 'close';
  commId: string;
  target?: string;
  data?: unknown;
  buffers?: ArrayBuffer[];
}
export type ColabPageMessage = ColabEval | ColabInvokeResult | ColabProxyPortResult | ColabCommResult | ColabCommEvent;

function record(data: unknown): Record<string, unknown> | null {
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : null;
}

export function isColabFrameMessage(data: unknown): data is ColabFrameMessage {
  const m = record(data);
  if (!m) return false;
  switch (m.nbcloud) {
    case 'colab-ready':
    case 'colab-rendered':
      return true;
    case 'colab-invoke':
      return (
        typeof m.id === 'number' &&
        typeof m.name === 'string' &&
        Array.isArray(m.args) &&
        !!m.kwargs &&
        typeof m.kwargs === 'object' &&
        !Array.isArray(m.kwargs)
      );
    case 'colab-proxy-port':
      return typeof m.id === 'number' && Number.isInteger(m.port) && (m.port as number) >= 1 && (m.port as number) <= 65535;
    case 'colab-eval-result':
      return typeof m.id === 'string';
    case 'colab-comm-open':
      return typeof m.id === 'number' && typeof m.target === 'string' && m.target.length > 0 && isBufferList(m.buffers);
    case 'colab-comm-send':
      return typeof m.id === 'number' && typeof m.commId === 'string' && isBufferList(m.buffers);
    case 'colab-comm-close':
      return typeof m.commId === 'string';
    case 'colab-comm-register':
      return typeof m.target === 'string' && m.target.length > 0;
    default:
      return false;
  }
}

export function isColabPageMessage(data: unknown): data is ColabPageMessage {
  const m = record(data);
  if (!m) return false;
  if (m.nbcloud === 'colab-eval') return typeof m.id === 'string' && typeof m.script === 'string';
  if (m.nbcloud === 'colab-comm-event') return typeof m.commId === 'string' && ['open', 'msg', 'close'].includes(String(m.event));
  return (
    (m.nbcloud === 'colab-invoke-result' || m.nbcloud === 'colab-proxy-port-result' || m.nbcloud === 'colab-comm-result') &&
    typeof m.id === 'number'
  );
}

function isBufferList(value: unknown): value is ArrayBuffer[] {
  return Array.isArray(value) && value.every((b) => b instanceof ArrayBuffer);
}

/** A value as JSON carries it (what eval_js returns to Python): undefined and functions become null. */
export function jsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}
