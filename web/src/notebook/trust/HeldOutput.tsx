// A saved output that carries script, in a notebook not trusted yet: an inert placeholder until
// the person asks to see it (it then draws in its sandboxed frame, as every such output does).

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export function HeldOutput({ children }: { children: ComponentChildren }) {
  const [shown, setShown] = useState(false);
  if (shown) return <>{children}</>;
  return (
    <div class="output-held" role="group" aria-label="Hidden output">
      <span>This saved output can run script; it is hidden because you have not trusted this notebook.</span>
      <button type="button" class="button" onClick={() => setShown(true)}>
        Show output
      </button>
    </div>
  );
}
