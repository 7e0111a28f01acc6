// Moving cells by dragging: a handle at each cell's top left ("Drag to move cell"; its arrow keys
// move the cell too, like the toolbar's move up/down buttons), a line where the cell will land, and
// one move in the notebook's undoable cell operations (Ctrl+Z outside an editor puts it back).
// HTML5 drag and drop; only drags that started at a handle of this page move cells (files and
// text dropped into editors are theirs).

import { signal, useComputed } from '@preact/signals';
import type { RefObject } from 'preact';
import { moveCell } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';
import './drag.css';

const CELL_DRAG_TYPE = 'application/x-nbcloud-cell';

/** The cell being dragged (by a handle in this page). */
const dragging = signal<{ session: NotebookSession; id: string } | null>(null);
/** Where it would land: before or after cell `id`. */
const dropAt = signal<{ id: string; before: boolean } | null>(null);

/** Where a cell dragged from index `from` lands when dropped before/after the cell at `target`. */
export function dropIndex(from: number, target: number, before: boolean): number {
  if (before) return from < target ? target - 1 : target;
  return from < target ? target : target + 1;
}

function clear(): void {
  dragging.value = null;
  dropAt.value = null;
}

function isOurs(event: DragEvent, session: NotebookSession): boolean {
  return dragging.value?.session === session && Boolean(event.dataTransfer?.types.includes(CELL_DRAG_TYPE));
}

/** Drop-target handlers for a cell's root element (capture phase: editors inside do not take the drag). */
export function useCellDrop(session: NotebookSession, id: string) {
  const place = (event: DragEvent) => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const before = event.clientY < box.top + box.height / 2;
    const current = dropAt.value;
    if (current?.id !== id || current.before !== before) dropAt.value = { id, before };
  };
  return {
    onDragOverCapture: (event: DragEvent) => {
      if (!isOurs(event, session)) return;
      event.preventDefault();
      event.stopPropagation();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
      place(event);
    },
    onDragLeave: (event: DragEvent) => {
      const to = event.relatedTarget as Node | null;
      if (to && (event.currentTarget as HTMLElement).contains(to)) return;
      if (dropAt.value?.id === id) dropAt.value = null;
    },
    onDropCapture: (event: DragEvent) => {
      if (!isOurs(event, session)) return;
      event.preventDefault();
      event.stopPropagation();
      place(event);
      const moving = dragging.value?.id;
      const at = dropAt.value;
      clear();
      if (!moving || !at || at.id === moving) return;
      const from = session.indexOf(moving);
      const target = session.indexOf(at.id);
      if (from < 0 || target < 0) return;
      const to = dropIndex(from, target, at.before);
      if (to !== from) moveCell(session.doc, from, to);
      session.select(moving);
    },
  };
}

interface HandleProps {
  session: NotebookSession;
  id: string;
  /** The cell's root (the drag image). */
  cell: RefObject<HTMLElement>;
}

/** The drag handle and the drop line of one cell. */
export function DragHandle({ session, id, cell }: HandleProps) {
  const line = useComputed(() => {
    const at = dropAt.value;
    return at && at.id === id && dragging.value?.id !== id ? (at.before ? 'before' : 'after') : null;
  }).value;
  const isDragged = useComputed(() => dragging.value?.id === id).value;
  return (
    <>
      <button
        type="button"
        class={`nb-drag-handle${isDragged ? ' nb-drag-handle-active' : ''}`}
        draggable
        aria-label="Drag to move cell"
        title="Drag to move cell (or press the up and down arrow keys)"
        onDragStart={(event) => {
          if (!event.dataTransfer) return;
          event.dataTransfer.effectAllowed = 'move';
          event.dataTransfer.setData(CELL_DRAG_TYPE, id);
          if (cell.current) event.dataTransfer.setDragImage(cell.current, 16, 16);
          dragging.value = { session, id };
          session.select(id);
        }}
        onDragEnd={clear}
        onKeyDown={(event) => {
          if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
          if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
          event.preventDefault();
          event.stopPropagation();
          session.moveCell(id, event.key === 'ArrowUp' ? -1 : 1);
          // The moved cell is a new element: keep the keyboard on its handle.
          requestAnimationFrame(() =>
            document
              .querySelector<HTMLElement>(`[data-cell-id="${CSS.escape(id)}"] .nb-drag-handle`)
              ?.focus(),
          );
        }}
      >
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
          <path d="M11 18c0 1.1-.9 2-2 2s-2-.9-2-2 .9-2 2-2 2 .9 2 2zm-2-8c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2zm0-6c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2zm6 4c1.1 0 2-.9 2-2s-.9-2-2-2-2 .9-2 2 .9 2 2 2zm0 2c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2zm0 6c-1.1 0-2 .9-2 2s.9 2 2 2 2-.9 2-2-.9-2-2-2z" />
        </svg>
      </button>
      {line && <div class={`nb-drop-line nb-drop-line-${line}`} aria-hidden="true" />}
    </>
  );
}
