// Re-render a Preact component when a Yjs type changes (deep: also its nested types).
// Changes are batched to one render per 30 ms (a timer, not an animation frame, so a
// page in a background tab still catches up), so a fast stream of output
// chunks does not render once per chunk. `immediate` skips the batching (the cell list: a new
// cell must be there before the next keystroke).

import { useEffect, useReducer, useRef } from 'preact/hooks';
import type * as Y from 'yjs';

/** Transactions seen per document: a component re-renders after subscribing only if one came
 * between its render and its subscription (not 5,000 renders more when a big notebook opens). */
const transactions = new WeakMap<Y.Doc, { count: number }>();
function transactionsOf(doc: Y.Doc): { count: number } {
  let seen = transactions.get(doc);
  if (!seen) {
    const counter = { count: 0 };
    doc.on('afterTransaction', () => {
      counter.count += 1;
    });
    transactions.set(doc, (seen = counter));
  }
  return seen;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function useY(type: Y.AbstractType<any> | null | undefined, deep = false, immediate = false): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const renderedAt = useRef(-1);
  renderedAt.current = type?.doc ? transactionsOf(type.doc).count : -1;
  useEffect(() => {
    if (!type) return;
    let frame = 0;
    const schedule = () => {
      if (immediate) return bump(0);
      if (frame) return;
      frame = window.setTimeout(() => {
        frame = 0;
        bump(0);
      }, 30);
    };
    if (deep) type.observeDeep(schedule);
    else type.observe(schedule);
    // Catch changes between render and subscription.
    if (!type.doc || renderedAt.current === -1 || transactionsOf(type.doc).count !== renderedAt.current) bump(0);
    return () => {
      if (frame) window.clearTimeout(frame);
      if (deep) type.unobserveDeep(schedule);
      else type.unobserve(schedule);
    };
  }, [type, deep, immediate]);
}
