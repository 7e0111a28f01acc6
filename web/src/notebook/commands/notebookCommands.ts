// The notebook's own commands: running, cells, runtime, navigation (Colab's and Jupyter's keys).

import type { NotebookSession } from '../NotebookSession';
import type { Command } from './types';

const selected = (session: NotebookSession): string | null => session.selected.value;
const withSelected = (action: (session: NotebookSession, id: string) => void) => (session: NotebookSession) => {
  const id = selected(session);
  if (id) action(session, id);
};

export const notebookCommands: Command[] = [
  {
    id: 'cell:run',
    label: 'Run cell',
    category: 'Runtime',
    keys: ['Mod-Enter'],
    run: withSelected((session, id) => session.runCell(id)),
  },
  {
    id: 'cell:run-and-next',
    label: 'Run cell and select next',
    category: 'Runtime',
    keys: ['Shift-Enter'],
    run: withSelected((session, id) => session.runAndNext(id)),
  },
  {
    id: 'cell:run-and-insert',
    label: 'Run cell and insert below',
    category: 'Runtime',
    keys: ['Alt-Enter'],
    run: withSelected((session, id) => session.runAndInsert(id)),
  },
  {
    id: 'notebook:run-all',
    label: 'Run all',
    category: 'Runtime',
    keys: ['Mod-F9'],
    run: (session) => session.runAll(),
  },
  {
    id: 'runtime:interrupt',
    label: 'Interrupt execution',
    category: 'Runtime',
    keys: ['Mod-m i'],
    run: (session) => session.interrupt(),
  },
  {
    id: 'runtime:restart',
    label: 'Restart runtime',
    category: 'Runtime',
    keys: ['Mod-m .'],
    run: (session) => session.restart(),
  },
  {
    id: 'cell:insert-code-above',
    label: 'Insert code cell above',
    category: 'Insert',
    keys: ['Mod-m a'],
    run: withSelected((session, id) => session.addCellRelative(id, 'code', 'above')),
  },
  {
    id: 'cell:insert-code-below',
    label: 'Insert code cell below',
    category: 'Insert',
    keys: ['Mod-m b'],
    run: (session) => {
      const id = selected(session);
      if (id) session.addCellRelative(id, 'code', 'below');
      else session.addCell('code');
    },
  },
];
