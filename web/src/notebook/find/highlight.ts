// Find's highlighting outside the editors: matches in rendered text cells and in outputs, painted
// with the CSS Custom Highlight API (no change to the DOM), and scrolling to the current match
// (a cell far off screen first, so its editor is made and scrolls to the match itself).

import { editorView } from '../cells/editorViews';
import { cellType } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';
import { findAll } from './search';
import { type FindState, type Match } from './state';

const MATCH = 'nb-find';
const CURRENT = 'nb-find-current';

type HighlightRegistry = { set(name: string, value: unknown): void; delete(name: string): void };
type HighlightCtor = new (...ranges: Range[]) => unknown;

function registry(): { highlights: HighlightRegistry; Highlight: HighlightCtor } | null {
  const css = (globalThis as unknown as { CSS?: { highlights?: HighlightRegistry } }).CSS;
  const Highlight = (globalThis as unknown as { Highlight?: HighlightCtor }).Highlight;
  return css?.highlights && Highlight ? { highlights: css.highlights, Highlight } : null;
}

export function clearHighlights(): void {
  const api = registry();
  api?.highlights.delete(MATCH);
  api?.highlights.delete(CURRENT);
}

const cellElement = (id: string) => document.querySelector<HTMLElement>(`.nb-cell[data-cell-id="${CSS.escape(id)}"]`);

/** The element whose text holds a cell's matches of this kind, when it is rendered (not an editor). */
function renderedHost(session: NotebookSession, match: Pick<Match, 'cellId' | 'cellIndex' | 'where'>): HTMLElement | null {
  const cell = cellElement(match.cellId);
  if (!cell) return null;
  if (match.where === 'output') return cell.querySelector<HTMLElement>('.output-list');
  const ycell = session.cellAt(match.cellIndex);
  if (!ycell || cellType(ycell) !== 'markdown' || session.editing.peek().has(match.cellId)) return null;
  return cell.querySelector<HTMLElement>('.nb-markdown:not(.nb-markdown-preview)');
}

function textRanges(host: HTMLElement, re: RegExp): Range[] {
  const out: Range[] = [];
  const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && out.length < 5000; node = walker.nextNode()) {
    const text = node.nodeValue ?? '';
    if (!text.trim()) continue;
    for (const found of findAll(text, re, 5000 - out.length)) {
      const range = document.createRange();
      range.setStart(node, found.from);
      range.setEnd(node, found.to);
      out.push(range);
    }
  }
  return out;
}

let seenNonce = -1;

/** Paints every rendered match and scrolls to the current one when find just went there. */
export function paintHighlights(session: NotebookSession, find: FindState, tries = 10): void {
  const re = find.pattern();
  const matches = find.matches.peek();
  const current = matches[find.current.peek()] ?? null;
  const nonce = find.scrollNonce.peek();
  const api = registry();
  const all: Range[] = [];
  let currentRange: Range | null = null;
  if (re) {
    const done = new Set<string>();
    for (const match of matches) {
      const key = `${match.cellId}:${match.where}`;
      if (done.has(key)) continue;
      done.add(key);
      const host = renderedHost(session, match);
      if (!host) continue;
      const ranges = textRanges(host, re);
      all.push(...ranges);
      if (current && current.cellId === match.cellId && current.where === match.where && ranges.length) {
        currentRange = ranges[Math.min(current.ordinal, ranges.length - 1)];
      }
    }
  }
  if (api) {
    api.highlights.set(MATCH, new api.Highlight(...all));
    api.highlights.set(CURRENT, new api.Highlight(...(currentRange ? [currentRange] : [])));
  }
  if (!current || nonce === seenNonce) return;
  const cell = cellElement(current.cellId);
  if (!cell) {
    // Just unfolded: the cell renders in a moment.
    if (tries > 0) window.setTimeout(() => paintHighlights(session, find, tries - 1), 40);
    return;
  }
  seenNonce = nonce;
  if (currentRange) {
    (currentRange.startContainer.parentElement ?? cell).scrollIntoView({ block: 'center' });
  } else if (current.where === 'source' && !editorView(current.cellId)) {
    // Its editor is made once near the screen, and then scrolls to the match itself.
    cell.scrollIntoView({ block: 'center' });
  }
}
