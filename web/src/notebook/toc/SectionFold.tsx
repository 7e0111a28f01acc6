// Section folding on the heading cell itself: the fold toggle and "Run section" in its gutter,
// and the "N cells hidden" line below a folded heading (a button that unfolds).

import { useComputed } from '@preact/signals';
import type { NotebookSession } from '../NotebookSession';
import { PanelIcon } from '../panels/icons';
import { outlineOf } from './folding';
import './toc.css';

export const hiddenText = (count: number) => `${count} ${count === 1 ? 'cell' : 'cells'} hidden`;

export function Chevron({ open }: { open: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" class="nb-icon">
      <path d={open ? 'M16.59 8.59 12 13.17 7.41 8.59 6 10l6 6 6-6z' : 'M10 6 8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z'} />
    </svg>
  );
}

/** The gutter of a markdown cell: fold toggle and Run section when the cell opens a section. */
export function SectionGutter({ session, id }: { session: NotebookSession; id: string }) {
  const outline = outlineOf(session);
  const opens = useComputed(() => outline.folds.value.sections.has(id)).value;
  const collapsed = useComputed(() => outline.folds.value.collapsed.has(id)).value;
  if (!opens) return null;
  return (
    <>
      <button
        type="button"
        class="nb-fold-button"
        aria-label={collapsed ? 'Expand section' : 'Collapse section'}
        title={collapsed ? 'Expand section' : 'Collapse section'}
        aria-expanded={!collapsed}
        onClick={() => outline.toggle(id)}
      >
        <Chevron open={!collapsed} />
      </button>
      <button type="button" class="nb-fold-button nb-section-run" aria-label="Run section" title="Run the cells of this section" onClick={() => outline.runSection(id)}>
        <PanelIcon name="play" size={16} />
      </button>
    </>
  );
}

/** Below a folded heading cell: "N cells hidden", which unfolds the section. */
export function HiddenCells({ session, id }: { session: NotebookSession; id: string }) {
  const outline = outlineOf(session);
  const count = useComputed(() => outline.folds.value.hiddenCount.get(id) ?? 0).value;
  if (!count) return null;
  return (
    <button
      type="button"
      class="nb-hidden-cells"
      title="Expand section"
      // Not a press on the cell: selecting it first can move this button before the click lands.
      onMouseDown={(event) => {
        event.preventDefault();
        event.stopPropagation();
      }}
      onClick={() => {
        outline.setCollapsed(id, false);
        session.select(id);
      }}
    >
      {hiddenText(count)}
    </button>
  );
}
