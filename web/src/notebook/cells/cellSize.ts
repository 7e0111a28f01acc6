// How tall a cell will be, guessed from its document before it is ever drawn: the notebook's
// cells away from the screen are not laid out (content-visibility in notebook.css) and take
// this height until first drawn, so a long notebook's scrollbar is about right from the start.

import type * as Y from 'yjs';
import { imageSize } from '../outputs/ImageOutput';

const LINE = 19.6; // a line of code (14 px font)
const CODE_CHROME = 60; // the editor's padding and border, the cell's padding, the gutter's state
const TEXT_LINE = 18; // a line of output text (outputs.css)
const OUTPUT_AREA = 8; // the output area's padding
const MAX_TEXT_LINES = 60; // longer outputs are cut (limits.ts) or scroll

function lines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join('');
  return value == null ? '' : String(value); // Y.Text
}

function outputHeight(output: Y.Map<unknown>): number {
  const type = output.get('output_type');
  if (type === 'stream') return Math.min(MAX_TEXT_LINES, lines(textOf(output.get('text')))) * TEXT_LINE;
  if (type === 'error') return Math.min(MAX_TEXT_LINES, (output.get('traceback') as unknown[] | undefined)?.length ?? 2) * TEXT_LINE;
  const data = (output.get('data') ?? {}) as Record<string, unknown>;
  for (const mime of ['image/png', 'image/gif', 'image/jpeg']) {
    if (data[mime] == null) continue;
    const own = (output.get('metadata') as Record<string, Record<string, unknown>> | undefined)?.[mime];
    const height = Number(own?.height);
    if (height > 0) return height;
    return imageSize(mime, textOf(data[mime]).slice(0, 40).replace(/\s+/g, ''))?.height ?? 300;
  }
  if (data['text/html'] != null || data['application/javascript'] != null) return 120;
  return Math.min(MAX_TEXT_LINES, lines(textOf(data['text/plain']))) * TEXT_LINE;
}

/** The cell's estimated height in pixels. */
export function estimateCellHeight(ycell: Y.Map<unknown>): number {
  const source = textOf(ycell.get('source'));
  let height = CODE_CHROME + lines(source) * LINE;
  const outputs = ycell.get('outputs') as Y.Array<Y.Map<unknown>> | undefined;
  if (outputs?.length) height += OUTPUT_AREA;
  outputs?.forEach((output) => {
    height += outputHeight(output);
  });
  return Math.round(height);
}

// Once drawn, a cell's estimate is its real height: a cell that comes back under containment
// (it loses the selection, the focus or the pointer, which notebook.css leaves uncontained) is
// sized by the estimate for the frame before the browser finds it on screen, and a stale guess
// there would shift the cells below it under the person's pointer, between press and release.
const drawn = typeof ResizeObserver === 'undefined'
  ? null
  : new ResizeObserver((entries) => {
      for (const entry of entries) {
        // The content box: contain-intrinsic-size sizes the content (padding and border go around
        // it), so a border-box height would grow a skipped cell by those every time it is observed.
        const height = entry.contentBoxSize?.[0]?.blockSize ?? entry.contentRect.height;
        if (height > 0) (entry.target as HTMLElement).style.setProperty('--nb-cell-estimate', `${Math.round(height)}px`);
      }
    });

/** Sizes `element` (a cell) by `estimate` until it is drawn, then by its last drawn height. */
export function keepCellSize(element: HTMLElement, estimate: number): () => void {
  element.style.setProperty('--nb-cell-estimate', `${estimate}px`);
  drawn?.observe(element);
  return () => drawn?.unobserve(element);
}
