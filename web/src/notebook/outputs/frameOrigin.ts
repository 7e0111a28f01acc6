// Where an output frame lives. Each frame gets an origin of its own, `f-<random token>.<domain>`
// (the hub says which domain: GET /api/output-frames), as Colab shows each output from an origin of
// its own: a real origin, so the browser lets it ask for the camera and microphone, and a random
// one per frame, so no output reads another's storage. The hub's cookies never go there.
// Where the hub has no names to give (reached by an IP address, no port_domain) frames stay on the
// hub's origin, sandboxed without allow-same-origin (opaque): then camera and microphone fail.

import { signal } from '@preact/signals';

/** An output frame on an origin of its own: allow-same-origin only makes that origin not opaque
 * (storage of its own, camera and microphone behind the prompt); never allow-top-navigation. */
export const OWN_ORIGIN_SANDBOX =
  'allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-modals allow-downloads';

/** What output frames may ask the browser for (behind its own prompt): Colab's camera and
 * microphone snippets call getUserMedia in the output; copy buttons write the clipboard. */
export const FRAME_ALLOW = 'camera; microphone; clipboard-write';

/** `scheme://f-{token}.<domain>[:port]`; null: frames stay on the hub's origin (opaque); undefined: not known yet. */
export const frameOriginTemplate = signal<string | null | undefined>(undefined);

let asked: Promise<void> | null = null;

/** Asks the hub once where output frames live (the answer is the same for the page's lifetime);
 * resolves once it is known. */
export function loadFrameOrigin(): Promise<void> {
  if (asked) return asked;
  const fallback = () => {
    console.warn(
      'nbcloud: output frames run on the hub\'s own origin, opaque-origin sandboxed, so outputs cannot use the camera or ' +
        'microphone. Open the hub by a host name (localhost for this machine) or set port_domain to give each output an origin of its own.',
    );
    frameOriginTemplate.value = null;
  };
  asked = fetch('/api/output-frames', { credentials: 'same-origin' })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
    .then((answer: { origin?: string | null }) => {
      if (typeof answer.origin === 'string' && answer.origin.includes('{token}')) frameOriginTemplate.value = answer.origin;
      else fallback();
    })
    .catch(fallback);
  return asked;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 128 random bits as 26 lower-case base32 letters (host names are case-insensitive). */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(26));
  return Array.from(bytes, (b) => BASE32[b & 31]).join('');
}

export interface FrameSource {
  src: string;
  sandbox: string;
  /** The origin its messages come from ('null' for an opaque frame). */
  origin: string;
}

/** Where a new output frame loads from; a fresh origin for each call. */
export function newFrameSource(opaqueSandbox: string): FrameSource {
  const template = frameOriginTemplate.value;
  if (!template) return { src: '/output-frame.html', sandbox: opaqueSandbox, origin: 'null' };
  const origin = template.replace('{token}', randomToken());
  return {
    src: `${origin}/output-frame.html?parent=${encodeURIComponent(window.location.origin)}`,
    sandbox: OWN_ORIGIN_SANDBOX,
    origin,
  };
}

/** The origin a frame element's messages come from: its own, or 'null' where it is opaque. */
export function frameOrigin(frame: HTMLIFrameElement): string {
  const sandbox = frame.getAttribute('sandbox');
  if (sandbox !== null && !sandbox.split(/\s+/).includes('allow-same-origin')) return 'null';
  try {
    return new URL(frame.src, window.location.href).origin;
  } catch {
    return 'null';
  }
}

/** The targetOrigin to post to a frame with: its exact origin, so a frame its output navigated
 * elsewhere gets nothing; '*' only for an opaque frame, which no origin names. */
export function frameTargetOrigin(frame: HTMLIFrameElement): string {
  const origin = frameOrigin(frame);
  return origin === 'null' ? '*' : origin;
}
