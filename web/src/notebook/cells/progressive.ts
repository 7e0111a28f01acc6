// A long notebook's cells come into the page in chunks: the first FIRST_CELLS at once (the first
// screen can be read and edited at once), then CHUNK more per task until all are there, so the
// page answers input while a notebook of 1,000 cells is still being laid out. A cell that is
// selected or asked to take focus (Ctrl+End, Go to cell, a search hit) brings every cell up to
// it at once; `renderThrough(session, id)` does that from anywhere.

import { effect, signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { NotebookSession } from '../NotebookSession';

/** Cells rendered with the page (as many as editors made eagerly: CodeEditor's `eager`). */
export const FIRST_CELLS = 40;
/** Cells added per task after the first. */
export const CHUNK = 60;

/** Ids asked for by renderThrough, per notebook session. */
const wanted = new WeakMap<NotebookSession, ReturnType<typeof signal<string | null>>>();
function wantedOf(session: NotebookSession) {
  let want = wanted.get(session);
  if (!want) wanted.set(session, (want = signal<string | null>(null)));
  return want;
}

/** Renders every cell up to the cell `id` now (before it is scrolled to or focused). */
export function renderThrough(session: NotebookSession, id: string): void {
  wantedOf(session).value = id;
}

/** How many of the notebook's `total` cells (in order) to render now. */
export function useRenderedCount(session: NotebookSession, total: number): number {
  const [count, setCount] = useState(FIRST_CELLS);
  const current = useRef(count);
  current.current = count;
  const all = useRef(total);
  all.current = total;

  useEffect(() => {
    if (count >= total) return;
    const timer = window.setTimeout(() => setCount((n) => Math.max(n, Math.min(total, n + CHUNK))), 0);
    return () => window.clearTimeout(timer);
  }, [count, total]);

  useEffect(
    () =>
      effect(() => {
        const ids = [session.selected.value, session.focus.value?.id, wantedOf(session).value];
        if (current.current >= all.current) return;
        const cells = session.cells.toArray();
        let last = -1;
        for (const id of ids) {
          if (!id) continue;
          last = Math.max(last, cells.findIndex((ycell) => ycell.get('id') === id));
        }
        if (last >= current.current) setCount(Math.min(all.current, last + 1 + CHUNK));
      }),
    [session],
  );
  return Math.min(count, total);
}

/** Scrolls `element` into view and keeps it there while the cells around it are laid out for
 * the first time (their real heights replace the estimates, which would push it off screen):
 * until its place holds for a few frames, about a second at most, or the person scrolls. */
export function scrollIntoViewSettled(element: HTMLElement): void {
  element.scrollIntoView({ block: 'nearest' });
  let frames = 0;
  let still = 0;
  let top = element.getBoundingClientRect().top;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  const events = ['wheel', 'touchmove', 'keydown', 'mousedown'] as const;
  for (const name of events) window.addEventListener(name, stop, { once: true, passive: true, capture: true });
  const step = () => {
    const now = element.getBoundingClientRect().top;
    if (now !== top) {
      element.scrollIntoView({ block: 'nearest' });
      top = element.getBoundingClientRect().top;
      still = 0;
    } else {
      still += 1;
    }
    if (stopped || !element.isConnected || still >= 5 || ++frames > 60) {
      for (const name of events) window.removeEventListener(name, stop, { capture: true });
      return;
    }
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}
