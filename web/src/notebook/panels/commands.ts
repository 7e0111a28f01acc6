// The side panels' commands (contract C2): open or close each panel from the palette or a key.

import type { Command } from '../commands/types';
import type { NotebookSession } from '../NotebookSession';

const toggle = (id: string) => (session: NotebookSession) => session.panels.toggle(id);

export const panelCommands: Command[] = [
  { id: 'view:toc', label: 'Show table of contents', category: 'View', keys: ['Mod-Alt-t'], run: toggle('toc') },
  { id: 'view:secrets', label: 'Show secrets', category: 'View', run: toggle('secrets') },
  { id: 'view:files', label: 'Show files', category: 'View', run: toggle('files') },
  { id: 'view:close-left-panel', label: 'Close the side panel', category: 'View', run: (session) => session.panels.close('left') },
];
