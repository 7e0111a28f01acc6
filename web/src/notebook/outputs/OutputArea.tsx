// A code cell's outputs, in order. Each output is memoized on its content, so a change to one
// output (a stream growing, a display updated) redraws only that output.

import { memo } from 'preact/compat';
import type { Output } from '../types';
import { joinText } from '../types';
import { ColabCell } from '../colab/frames';
import { FrameOutput } from './FrameOutput';
import { ImageOutput } from './ImageOutput';
import { KeptTextOutput } from './KeptTextOutput';
import { bundleText, chooseMime, FRAMED_MIMES, IMAGE_MIMES } from './mime';
import { sameOutput } from './sameOutput';
import { TextOutput } from './TextOutput';
import { WidgetOutput } from '../widgets/WidgetOutput';
import { WIDGET_VIEW_MIME } from '../widgets/protocol';
import { HeldOutput } from '../trust/HeldOutput';
import { carriesScript } from '../trust/scriptOutputs';
import { trustOf } from '../trust/state';
import './outputs.css';

export interface OutputAreaProps {
  /** The notebook's Drive item id (for frames and future requests). */
  notebookId: string;
  /** The cell whose outputs these are. */
  cellId: string;
  /** nbformat outputs, in order, as they are now in the live document. */
  outputs: Output[];
}

export function OutputArea({ notebookId, cellId, outputs }: OutputAreaProps) {
  // Saved script waits until the hub says this person trusts the notebook (trust/).
  const trusted = trustOf(notebookId).value === true;
  if (!outputs.length) return null;
  return (
    <ColabCell.Provider value={cellId}>
      <div class="output-area" role="region" aria-label="Output">
        {outputs.map((output, index) =>
          !trusted && carriesScript(output) ? (
            <HeldOutput key={`held-${index}`}>
              <OutputView output={output} notebookId={notebookId} />
            </HeldOutput>
          ) : (
            <OutputView key={index} output={output} notebookId={notebookId} />
          ),
        )}
      </div>
    </ColabCell.Provider>
  );
}

const OutputView = memo(
  function OutputView({ output, notebookId }: { output: Output; notebookId: string }) {
    if (output.output_type === 'stream') {
      const kind = output.name === 'stderr' ? 'stderr' : 'stdout';
      if (output.nbcloud_kept) {
        const note = output.nbcloud_kept;
        // Keyed by the kept text: a re-run's new output starts cut again.
        return <KeptTextOutput key={note.id} notebookId={notebookId} head={joinText(output.text)} note={note} kind={kind} />;
      }
      return <TextOutput text={joinText(output.text)} kind={kind} />;
    }
    if (output.output_type === 'error') {
      const traceback = output.traceback?.length ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`;
      return <TextOutput text={traceback} kind="error" />;
    }
    const data = output.data ?? {};
    if (data[WIDGET_VIEW_MIME] != null) {
      return <WidgetOutput notebookId={notebookId} view={data[WIDGET_VIEW_MIME]} fallback={bundleText(data['text/plain'] ?? '')} />;
    }
    const mime = chooseMime(data);
    if (mime === null) {
      const kinds = Object.keys(data).join(', ') || 'nothing';
      return <p class="output-unsupported">This output cannot be shown here (it holds {kinds}).</p>;
    }
    const metadata = mimeMetadata(output.metadata, mime);
    const text = bundleText(data[mime]);
    if (FRAMED_MIMES.has(mime)) return <FrameOutput mime={mime} value={text} metadata={metadata} />;
    if (IMAGE_MIMES.has(mime)) return <ImageOutput mime={mime} data={text} metadata={metadata} />;
    return <TextOutput text={text} kind="result" />;
  },
  (before, after) => before.notebookId === after.notebookId && sameOutput(before.output, after.output),
);

/** nbformat keys image metadata by MIME type (`{"image/png": {"width": 400}}`). */
function mimeMetadata(metadata: Record<string, unknown> | undefined, mime: string): Record<string, unknown> {
  const own = metadata?.[mime];
  return own && typeof own === 'object' ? (own as Record<string, unknown>) : {};
}
