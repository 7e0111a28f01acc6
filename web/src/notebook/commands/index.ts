// Every command of the notebook page: the keyboard layer, the command palette, the shortcuts
// dialog and the menu bar list these. Features add their own list here (one import + one entry).

import type { Command } from './types';
import { notebookCommands } from './notebookCommands';
import { outputCommands } from '../outputs/commands';
import { assistCommands } from '../assist/commands';
import { settingsCommands } from '../settings/commands';
import { panelCommands } from '../panels/commands';
import { findCommands } from '../find/commands';

export type { Command, CommandMode } from './types';

const LISTS: Command[][] = [
  notebookCommands,
  outputCommands,
  assistCommands,
  settingsCommands,
  panelCommands,
  findCommands,
];

/** Every command, each id once (the first list that names an id wins). */
export function allCommands(): Command[] {
  const seen = new Set<string>();
  const out: Command[] = [];
  for (const list of LISTS) {
    for (const command of list) {
      if (seen.has(command.id)) continue;
      seen.add(command.id);
      out.push(command);
    }
  }
  return out;
}
