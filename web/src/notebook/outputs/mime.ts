// Which representation of a MIME bundle to show, and where: JupyterLab's precedence, richest
// first. Anything that can carry script renders in a sandboxed frame; text and raster images
// render directly in the page.

/** Richest first, as JupyterLab's default rendermime ranks them (widgets come later). */
export const MIME_PRECEDENCE = [
  'application/javascript',
  'text/html',
  'text/markdown',
  'text/latex',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'application/json',
  'text/plain',
] as const;

/** MIME types that can carry script or need the frame's renderers (markdown, KaTeX). */
export const FRAMED_MIMES: ReadonlySet<string> = new Set([
  'application/javascript',
  'text/html',
  'text/markdown',
  'text/latex',
  'image/svg+xml',
]);

export const IMAGE_MIMES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif']);

/** The MIME type to show from a bundle, or null when none is known. */
export function chooseMime(data: Record<string, unknown>): string | null {
  for (const mime of MIME_PRECEDENCE) {
    if (data[mime] != null) return mime;
  }
  return null;
}

/** A bundle value as text: nbformat stores strings, lists of lines, or JSON (application/json). */
export function bundleText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return value.join('');
  return JSON.stringify(value, null, 2) ?? '';
}
