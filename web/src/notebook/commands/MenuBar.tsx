// A compact menu bar like Colab's (File, Edit, View, Insert, Runtime, Tools, Help), built from
// the command registry by category, each item showing its shortcut: every menu item is also in
// the command palette and the shortcuts dialog.

import { Menu, type MenuItem } from '../../components/Menu';
import type { NotebookSession } from '../NotebookSession';
import { allCommands } from './index';
import { keysOf } from './keyboard';
import { formatBinding } from './keys';
import type { Command } from './types';
import './commands.css';

const ORDER = ['File', 'Edit', 'View', 'Insert', 'Cell', 'Runtime', 'Navigate', 'Markdown', 'Tools', 'Help'];

export function menuGroups(commands: Command[]): [string, Command[]][] {
  const groups = new Map<string, Command[]>();
  for (const command of commands) {
    const list = groups.get(command.category) ?? [];
    list.push(command);
    groups.set(command.category, list);
  }
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return [...groups.entries()].sort((a, b) => rank(a[0]) - rank(b[0]));
}

export function MenuBar({ session }: { session: NotebookSession }) {
  const groups = menuGroups(allCommands());
  return (
    <div class="cmd-menubar" role="group" aria-label="Menus">
      {groups.map(([category, commands]) => {
        const items: MenuItem[] = commands.map((command) => {
          const keys = keysOf(command);
          return {
            label: command.label,
            shortcut: keys.length ? formatBinding(keys[0]) : undefined,
            disabled: !(command.enabled?.(session) ?? true),
            onSelect: () => void Promise.resolve(command.run(session)).catch((error) => console.error(error)),
          };
        });
        return (
          <Menu
            key={category}
            label={`${category} menu`}
            button={category}
            buttonClass="cmd-menu-button"
            items={items}
          />
        );
      })}
    </div>
  );
}
