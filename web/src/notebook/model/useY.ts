// Re-render a Preact component when a Yjs type changes (deep: also its nested types).
// Changes are batched to one render per 30 ms (a timer, not an animation frame, so a
// page in a background tab still catches up), so a fast stream of output
// chunks does not render once per chunk. `immediate` skips the batching (the cell list: a new
// cell must be there before the next keystroke).

import { useEffect, useReducer } from 'preact/hooks';
import type * as Y from 'yjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function useY(type: Y.AbstractType<any> | null | undefined, deep = false, immediate = false): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
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
    bump(0); // catch changes between render and subscription
    return () => {
      if (frame) window.clearTimeout(frame);
      if (deep) type.unobserveDeep(schedule);
      else type.unobserve(schedule);
    };
  }, [type, deep, immediate]);
}
