// A code cell's outputs, in order. Each output is memoized on its content, so a change to one
// output (a stream growing, a display updated) redraws only that output.

import { memo } from 'preact/compat';
import * as Y from 'yjs';
import { useY } from '../model/useY';
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
import { isOutputCollapsed, isOutputScrolled, setOutputCollapsed, toggleOutputScrolled } from './commands';
import './outputs.css';

export interface OutputAreaProps {
  /** The notebook's Drive item id (for frames and future requests). */
  notebookId: string;
  /** The cell whose outputs these are. */
  cellId: string;
  /** nbformat outputs, in order, as they are now in the live document. */
  outputs: Output[];
  /** The cell: its metadata says whether the outputs are hidden or scroll (outputs/commands.ts). */
  ycell?: Y.Map<unknown>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function OutputArea({ notebookId, cellId, outputs, ycell }: OutputAreaProps) {
  // Saved script waits until the hub says this person trusts the notebook (trust/).
  const trusted = trustOf(notebookId).value === true;
  const meta = ycell?.get('metadata');
  useY(meta instanceof Y.Map ? meta : null, true);
  if (!outputs.length) return null;
  const collapsed = ycell ? isOutputCollapsed(ycell) : false;
  const scrolled = ycell ? isOutputScrolled(ycell) : false;
  const regionId = `output-${cellId}`;
  const side = ycell && (
    <div class="output-side" role="toolbar" aria-label="Output actions" aria-orientation="vertical">
      <button
        type="button"
        class="output-side-button"
        aria-label={collapsed ? 'Show output' : 'Hide output'}
        title={collapsed ? 'Show output' : 'Hide output (Ctrl+M O)'}
        aria-expanded={!collapsed}
        aria-controls={regionId}
        onClick={() => setOutputCollapsed(ycell, !collapsed)}
      >
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path d={collapsed ? 'M10 6 8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z' : 'M16.59 8.59 12 13.17 7.41 8.59 6 10l6 6 6-6z'} />
        </svg>
      </button>
      {!collapsed && (
        <button
          type="button"
          class="output-side-button"
          aria-label="Scroll long output"
          title={scrolled ? 'Show the whole output (Shift+O)' : 'Scroll long output in the cell (Shift+O)'}
          aria-pressed={scrolled}
          onClick={() => toggleOutputScrolled(ycell)}
        >
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <path d="M12 5.83 15.17 9l1.41-1.41L12 3 7.41 7.59 8.83 9 12 5.83zm0 12.34L8.83 15l-1.41 1.41L12 21l4.59-4.59L15.17 15 12 18.17zM8 11h8v2H8z" />
          </svg>
        </button>
      )}
    </div>
  );
  // Hidden outputs stay mounted (display: none): their frames and widgets keep their state.
  return (
    <ColabCell.Provider value={cellId}>
      <div class="output-wrap">
        {side}
        <div
          class={`output-area${scrolled && !collapsed ? ' output-scrolled' : ''}${collapsed ? ' output-collapsed' : ''}`}
          id={regionId}
          role="region"
          aria-label="Output"
          // A scrolling box is reachable by keyboard (arrow keys scroll it).
          tabIndex={scrolled && !collapsed ? 0 : undefined}
        >
          {collapsed && ycell && (
            <button type="button" class="output-hidden-bar" onClick={() => setOutputCollapsed(ycell, false)}>
              Output hidden ({plural(outputs.length, 'output')}) · Show
            </button>
          )}
          <div class="output-list" hidden={collapsed}>
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
        </div>
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
