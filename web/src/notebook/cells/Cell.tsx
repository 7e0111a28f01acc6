// One cell: the group every test and screen reader finds ("Cell N"), its run button and
// state ([n], queued, running, time taken), its body (code or text) and its toolbar.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useComputed } from '@preact/signals';
import type * as Y from 'yjs';
import { cellType } from '../model/cells';
import { useY } from '../model/useY';
import type { NotebookSession } from '../NotebookSession';
import { CellToolbar } from './CellToolbar';
import { CodeCell } from './CodeCell';
import { focusEditorIn } from './CodeEditor';
import { type ExecutionTiming, formatDuration, runDuration, type RunState, runState } from './execution';
import { MarkdownCell } from './MarkdownCell';
import { estimateCellHeight, keepCellSize } from './cellSize';
import { scrollIntoViewSettled } from './progressive';
import { DragHandle, useCellDrop } from './drag';
import { HiddenCells, SectionGutter } from '../toc/SectionFold';

interface Props {
  session: NotebookSession;
  ycell: Y.Map<unknown>;
  index: number;
  count: number;
}

function Elapsed({ since }: { since: string | undefined }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const start = Date.parse(since ?? '');
  return <>{Number.isNaN(start) ? '' : formatDuration(Math.max(0, now - start))}</>;
}

const STATE_TEXT: Record<RunState, string> = {
  idle: '',
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  error: 'Error',
};

function RunGutter({ session, ycell, id }: { session: NotebookSession; ycell: Y.Map<unknown>; id: string }) {
  const youtputs = ycell.get('outputs') as Y.Array<Y.Map<unknown>> | undefined;
  const meta = ycell.get('metadata') as Y.Map<unknown> | undefined;
  useY(meta, true);
  useY(youtputs);
  const timing = meta?.get('execution') as ExecutionTiming | undefined;
  const count = ycell.get('execution_count') as number | null | undefined;
  const state = runState(
    ycell.get('execution_state'),
    count,
    youtputs?.map((o) => ({ output_type: o.get('output_type') })) ?? [],
    timing,
  );
  const duration = state === 'done' || state === 'error' ? runDuration(timing) : null;
  const countText = state === 'running' || state === 'queued' ? '*' : count != null ? String(count) : ' ';
  return (
    <div class="nb-gutter" data-state={state}>
      <button
        type="button"
        class={`nb-run-button nb-run-${state}`}
        aria-label="Run cell"
        title="Run cell (Ctrl+Enter)"
        onClick={() => session.runCell(id)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M8 5v14l11-7z" />
        </svg>
      </button>
      <span class="nb-count" aria-label="Execution count">
        [{countText}]
      </span>
      <span class="nb-run-state" role="status" aria-label="Cell state" data-state={state}>
        {STATE_TEXT[state]}
        {state === 'running' && (
          <>
            {' '}
            <Elapsed since={timing?.['iopub.status.busy']} />
          </>
        )}
        {duration != null && <span class="nb-duration"> {formatDuration(duration)}</span>}
      </span>
    </div>
  );
}

export function Cell({ session, ycell, index, count }: Props) {
  useY(ycell);
  const root = useRef<HTMLDivElement>(null);
  const id = String(ycell.get('id') ?? '');
  const type = cellType(ycell);
  // Computed per cell, so selecting a cell re-renders two cells, not all of them.
  const selected = useComputed(() => session.selected.value === id).value;
  const focusRequest = useComputed(() => (session.focus.value?.id === id ? session.focus.value : null)).value;
  // The editor wants the focus (a request for the cell as a whole, command mode, does not).
  const wantsFocus = focusRequest !== null && focusRequest.target !== 'cell';
  const editing = useComputed(() => session.editing.value.has(id)).value;
  // Command vs edit mode on the selected cell; several selected cells (Shift+Up/Down).
  const mode = useComputed(() => (session.selected.value === id ? session.mode.value : null)).value;
  const multi = useComputed(() => session.selection.value.length > 1 && session.selection.value.includes(id)).value;

  useLayoutEffect(() => (root.current ? keepCellSize(root.current, estimateCellHeight(ycell)) : undefined), [ycell]);

  // Focus requests (a new cell, Shift+Enter moving here) put the caret into this cell.
  useLayoutEffect(() => {
    if (!focusRequest || !root.current) return;
    // A fresh request may land on a cell whose neighbours are still being laid out (Ctrl+End in
    // a long notebook): keep it on screen until they settle. The same request seen again by a
    // cell remade by a move must not hold the page's scroll (it would pull the page away from
    // where the person is clicking next).
    if (focusRequest.nonce > session.focusHandled) scrollIntoViewSettled(root.current);
    else root.current.scrollIntoView({ block: 'nearest' });
    session.focusHandled = Math.max(session.focusHandled, focusRequest.nonce);
    if (focusRequest?.target === 'cell') root.current.focus({ preventScroll: true });
    else if (type === 'code' || editing) focusEditorIn(root.current);
    else root.current.querySelector<HTMLElement>('.nb-markdown')?.focus();
  }, [focusRequest?.nonce]);

  const keys = {
    run: () => session.runCell(id),
    runAndNext: () => session.runAndNext(id),
    runAndInsert: () => session.runAndInsert(id),
  };
  const onFocus = () => session.select(id);
  const drop = useCellDrop(session, id);

  return (
    <div
      ref={root}
      class={`nb-cell nb-cell-${type}${selected ? ' nb-cell-selected' : ''}${mode ? ` nb-cell-${mode}` : ''}${multi ? ' nb-cell-multi' : ''}`}
      tabIndex={selected ? 0 : -1}
      data-selected={selected || multi ? 'true' : undefined}
      data-cell-id={id}
      data-cell-type={type}
      role="group"
      aria-label={`Cell ${index + 1}`}
      onMouseDown={() => session.select(id)}
      onFocusCapture={() => session.select(id)}
      {...drop}
      onKeyDown={(event) => {
        // Shortcuts on a rendered text cell (editors handle their own).
        if (type !== 'markdown' || editing || event.key !== 'Enter') return;
        if (event.shiftKey) {
          event.preventDefault();
          keys.runAndNext();
        } else if (event.altKey) {
          event.preventDefault();
          keys.runAndInsert();
        }
      }}
    >
      {type === 'code' ? <RunGutter session={session} ycell={ycell} id={id} /> : (
        <div class="nb-gutter">{type === 'markdown' && <SectionGutter session={session} id={id} />}</div>
      )}
      <div class="nb-cell-body">
        {type === 'code' ? (
          <CodeCell
            session={session}
            ycell={ycell}
            id={id}
            keys={keys}
            focus={wantsFocus}
            eager={index < 40}
            onFocus={onFocus}
          />
        ) : (
          <MarkdownCell
            session={session}
            ycell={ycell}
            id={id}
            editing={editing}
            keys={keys}
            focus={wantsFocus}
            onFocus={onFocus}
          />
        )}
      </div>
      {type === 'markdown' && <HiddenCells session={session} id={id} />}
      <DragHandle session={session} id={id} cell={root} />
      <CellToolbar session={session} id={id} type={type} index={index} count={count} editing={editing} />
    </div>
  );
}
