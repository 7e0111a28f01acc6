// PLACEHOLDER (owned by the outputs work): renders a code cell's outputs.
// The contract the editor relies on is the props below; everything else may change.

import type { Output } from '../types';
import { joinText } from '../types';

export interface OutputAreaProps {
  /** The notebook's Drive item id (for frames and future requests). */
  notebookId: string;
  /** The cell whose outputs these are. */
  cellId: string;
  /** nbformat outputs, in order, as they are now in the live document. */
  outputs: Output[];
}

export function OutputArea({ outputs }: OutputAreaProps) {
  if (!outputs.length) return null;
  return (
    <div class="output-area" role="region" aria-label="Output">
      {outputs.map((o, i) => (
        <pre key={i} class="output-text">
          {o.output_type === 'stream'
            ? joinText(o.text)
            : o.output_type === 'error'
              ? `${o.ename}: ${o.evalue}`
              : joinText((o.data['text/plain'] as string | string[] | undefined) ?? '')}
        </pre>
      ))}
    </div>
  );
}
