// The notebook: header, then its cells in order, live from the shared document.

import { useEffect, useRef } from 'preact/hooks';
import type * as Y from 'yjs';
import type { DriveItem } from '../api/types';
import { Cell } from './cells/Cell';
import { useRenderedCount } from './cells/progressive';
import { memo } from 'preact/compat';
import { installKeyboard } from './commands/keyboard';
import { FileViewer } from './files/FileViewer';
import { useY } from './model/useY';
import type { NotebookSession } from './NotebookSession';
import { NotebookToolbar } from './NotebookToolbar';
import { LeftPanel, PanelRail, RightPanel } from './panels/SidePanels';
import { visibleCells } from './toc/folding';
import { TrustBanner } from './trust/TrustPrompt';
import './notebook.css';
import './trust/trust.css';

// Stable keys for cells: a cell that is moved or re-typed is a new Y.Map (and so a new editor).
const keys = new WeakMap<Y.Map<unknown>, number>();
let nextKey = 1;
const keyOf = (ycell: Y.Map<unknown>) => {
  let key = keys.get(ycell);
  if (key === undefined) keys.set(ycell, (key = nextKey++));
  return key;
};

// A cell re-renders on its own changes (useY, signals), not on every change of the list.
const MemoCell = memo(Cell);

interface Props {
  session: NotebookSession;
  item: DriveItem | null;
  onRenamed: (item: DriveItem) => void;
}

export function NotebookView({ session, item, onRenamed }: Props) {
  useY(session.cells, false, true);
  const cells = session.cells.toArray();
  // A long notebook comes in chunks (cells/progressive.ts).
  const rendered = useRenderedCount(session, cells.length);
  const root = useRef<HTMLDivElement>(null);
  const viewing = session.files.viewing.value;

  // The Files panel sticks below the (sticky) header, whatever its height.
  useEffect(() => {
    const box = root.current;
    const top = box?.querySelector<HTMLElement>('.nb-header');
    if (!box || !top) return;
    const measure = () => box.style.setProperty('--nb-header-height', `${top.offsetHeight}px`);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(top);
    return () => observer.disconnect();
  }, []);

  // The keyboard layer: command mode keys (A, B, D D, Z: Ctrl+Z outside an editor undoes cell
  // operations), Ctrl+M chords and every command's keys (commands/keyboard.ts).
  useEffect(() => installKeyboard(session), [session]);

  return (
    <div class="nb-notebook" ref={root}>
      <NotebookToolbar session={session} item={item} onRenamed={onRenamed} />
      <TrustBanner notebookId={session.id} />
      <div class="nb-body">
        <PanelRail session={session} />
        <LeftPanel session={session} />
        <div class="nb-cells" aria-label="Cells">
          {visibleCells(session, cells).slice(0, rendered).map(({ ycell, index }) => (
            <MemoCell key={keyOf(ycell)} session={session} ycell={ycell} index={index} count={cells.length} />
          ))}
          <div class="nb-add-row">
            <button type="button" class="nb-add" onClick={() => session.addCell('code', session.cells.length)}>
              + Code
            </button>
            <button type="button" class="nb-add" onClick={() => session.addCell('markdown', session.cells.length)}>
              + Text
            </button>
          </div>
        </div>
        <RightPanel session={session} />
      </div>
      {viewing && <FileViewer notebookId={session.id} target={viewing} onClose={() => session.files.closeViewer()} />}
    </div>
  );
}
