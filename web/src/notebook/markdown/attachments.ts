// nbformat attachments of text (markdown) cells: `attachments: {"name.png": {"image/png": base64}}`
// and `![name.png](attachment:name.png)` in the source, as Jupyter and Colab write them. Only
// images resolve (to data: URLs); anything else an attachment holds is never put into the page.

import * as Y from 'yjs';

export type Attachments = Record<string, Record<string, unknown>>;

/** The largest image a text cell takes (the notebook carries it in every save and sync). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const IMAGE_MIME = /^image\/[a-z0-9][a-z0-9.+-]*$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The cell's attachments as plain data (a saved notebook has a plain object, a page a Y.Map). */
export function attachmentsOf(ycell: Y.Map<unknown>): Attachments | undefined {
  const value = ycell.get('attachments');
  if (value instanceof Y.Map) return value.toJSON() as Attachments;
  return value && typeof value === 'object' ? (value as Attachments) : undefined;
}

/** The name an `attachment:` URL refers to, or null for any other URL. */
export function attachmentName(url: string): string | null {
  const match = /^attachment:(.+)$/i.exec(url.trim());
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The data: URL an `attachment:NAME` URL stands for, from the cell's attachments: the first
 * image/* entry of that attachment (SVG may be text, as nbformat keeps it). null when the URL is
 * no attachment URL, the attachment is missing, or it holds no image.
 */
export function attachmentDataUrl(url: string, attachments: Attachments | undefined): string | null {
  const name = attachmentName(url);
  if (name === null || !attachments || !Object.prototype.hasOwnProperty.call(attachments, name)) return null;
  const bundle = attachments[name];
  if (!bundle || typeof bundle !== 'object') return null;
  for (const [mime, value] of Object.entries(bundle)) {
    if (!IMAGE_MIME.test(mime)) continue;
    const text = Array.isArray(value) ? value.join('') : value;
    if (typeof text !== 'string') continue;
    const compact = text.replace(/\s/g, '');
    if (BASE64.test(compact) && compact.length % 4 === 0 && compact) return `data:${mime.toLowerCase()};base64,${compact}`;
    if (mime.toLowerCase() === 'image/svg+xml' && text.includes('<')) return `data:image/svg+xml;base64,${utf8Base64(text)}`;
  }
  return null;
}

/** A name for a new attachment: the file's own (made safe for a Markdown link), unique in the cell. */
export function attachmentFileName(wanted: string, mime: string, taken: Attachments | undefined): string {
  const extension = (mime.split('/')[1] ?? 'png').replace('svg+xml', 'svg').replace('jpeg', 'jpg').replace(/[^a-z0-9]/gi, '');
  let base = wanted.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  if (!base || base === 'image') base = `image.${extension}`;
  if (!/\.[A-Za-z0-9]+$/.test(base)) base = `${base}.${extension}`;
  if (!taken || !Object.prototype.hasOwnProperty.call(taken, base)) return base;
  const dot = base.lastIndexOf('.');
  const [stem, ext] = [base.slice(0, dot), base.slice(dot)];
  for (let n = 1; ; n++) {
    const name = `${stem}-${n}${ext}`;
    if (!Object.prototype.hasOwnProperty.call(taken, name)) return name;
  }
}

/**
 * Adds (or replaces) one attachment of a text cell. The first change makes `attachments` a
 * Y.Map (the saved notebook's plain object copied in), so later images each sync on their own and
 * two people adding images at once both keep theirs. jupyter_ydoc reads either as a dict.
 */
export function setAttachment(ycell: Y.Map<unknown>, name: string, bundle: Record<string, string>): void {
  const apply = () => {
    let current = ycell.get('attachments');
    if (!(current instanceof Y.Map)) {
      const plain = current && typeof current === 'object' ? (current as Attachments) : {};
      current = new Y.Map<unknown>(Object.entries(plain));
      ycell.set('attachments', current);
    }
    (current as Y.Map<unknown>).set(name, bundle);
  };
  if (ycell.doc) ycell.doc.transact(apply);
  else apply();
}
