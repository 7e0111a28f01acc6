// Long outputs: hidden (nbformat's cell metadata `collapsed: true`, JupyterLab's
// `jupyter.outputs_hidden` read too) or scrolling inside a bounded height (`scrolled: true`), as
// Jupyter and Colab save them. The toggles here are what the output area's buttons, the keyboard
// (contract C6: 'view:toggle-output' calls toggleOutputCollapsed) and the palette call.

import * as Y from 'yjs';
import type { Command } from '../commands/types';
import { cellType, setCellMetadata } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';

function metadataOf(ycell: Y.Map<unknown>): Record<string, unknown> {
  const meta = ycell.get('metadata');
  if (meta instanceof Y.Map) return meta.toJSON() as Record<string, unknown>;
  return meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
}

/** Whether the cell's outputs are hidden. */
export function isOutputCollapsed(ycell: Y.Map<unknown>): boolean {
  const meta = metadataOf(ycell);
  const jupyter = meta.jupyter as { outputs_hidden?: unknown } | undefined;
  return meta.collapsed === true || jupyter?.outputs_hidden === true;
}

/** Whether the cell's outputs scroll within a bounded height. */
export function isOutputScrolled(ycell: Y.Map<unknown>): boolean {
  return metadataOf(ycell).scrolled === true;
}

/** Hides or shows a code cell's outputs (saved in the notebook). */
export function setOutputCollapsed(ycell: Y.Map<unknown>, collapsed: boolean): void {
  if (cellType(ycell) !== 'code') return;
  const apply = () => {
    setCellMetadata(ycell, 'collapsed', collapsed ? true : undefined);
    const jupyter = metadataOf(ycell).jupyter;
    if (jupyter && typeof jupyter === 'object' && 'outputs_hidden' in jupyter) {
      const { outputs_hidden: _hidden, ...rest } = jupyter as Record<string, unknown>;
      setCellMetadata(ycell, 'jupyter', collapsed ? { ...rest, outputs_hidden: true } : Object.keys(rest).length ? rest : undefined);
    }
  };
  if (ycell.doc) ycell.doc.transact(apply);
  else apply();
}

/** Contract C6: hides a code cell's outputs, or shows them again. */
export function toggleOutputCollapsed(ycell: Y.Map<unknown>): void {
  setOutputCollapsed(ycell, !isOutputCollapsed(ycell));
}

/** Turns scrolling of a code cell's outputs on or off (saved in the notebook). */
export function toggleOutputScrolled(ycell: Y.Map<unknown>): void {
  if (cellType(ycell) !== 'code') return;
  setCellMetadata(ycell, 'scrolled', isOutputScrolled(ycell) ? undefined : true);
}

function selectedCell(session: NotebookSession): Y.Map<unknown> | undefined {
  const id = session.selected.value;
  return id ? session.cellAt(session.indexOf(id)) : undefined;
}

function codeCells(session: NotebookSession): Y.Map<unknown>[] {
  return session.cells.toArray().filter((ycell) => cellType(ycell) === 'code');
}

const selectedIsCode = (session: NotebookSession) => {
  const ycell = selectedCell(session);
  return Boolean(ycell && cellType(ycell) === 'code');
};

export const outputCommands: Command[] = [
  {
    id: 'view:toggle-output-scrolling',
    label: 'Scroll long output in the cell (on or off)',
    category: 'View',
    keys: ['Shift-o'],
    mode: 'command',
    run: (session) => {
      const ycell = selectedCell(session);
      if (ycell) toggleOutputScrolled(ycell);
    },
    enabled: selectedIsCode,
  },
  {
    id: 'view:hide-all-outputs',
    label: 'Hide all outputs',
    category: 'View',
    run: (session) => session.doc.transact(() => codeCells(session).forEach((ycell) => setOutputCollapsed(ycell, true))),
  },
  {
    id: 'view:show-all-outputs',
    label: 'Show all outputs',
    category: 'View',
    run: (session) => session.doc.transact(() => codeCells(session).forEach((ycell) => setOutputCollapsed(ycell, false))),
  },
];
