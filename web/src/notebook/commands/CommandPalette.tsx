// The command palette (Ctrl+Shift+P): every command, found by fuzzy search; Enter runs the
// highlighted one, arrows move, Escape closes and gives the focus back.

import { useMemo, useState } from 'preact/hooks';
import { Dialog } from '../../components/Dialog';
import { closeDialog, showDialog } from '../../state/dialogs';
import type { NotebookSession } from '../NotebookSession';
import { rememberFocus } from './focusBack';
import { fuzzyFilter } from './fuzzy';
import { allCommands } from './index';
import { keysOf } from './keyboard';
import { formatBinding } from './keys';
import type { Command } from './types';
import './commands.css';

export function openPalette(session: NotebookSession): void {
  const restore = rememberFocus(session);
  showDialog(<CommandPalette session={session} restore={restore} />);
}

function CommandPalette({ session, restore }: { session: NotebookSession; restore: () => void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const commands = useMemo(() => allCommands(), []);
  const shown = useMemo(() => fuzzyFilter(query, commands, (c) => `${c.label}`), [query, commands]);
  const current = Math.min(active, Math.max(0, shown.length - 1));

  const close = () => {
    closeDialog();
    restore();
  };
  const runCommand = (command: Command) => {
    close();
    // After the focus is back, so a command that moves the focus (a new cell) keeps it.
    setTimeout(() => void Promise.resolve(command.run(session)).catch((error) => console.error(error)), 10);
  };
  const move = (by: number) => {
    if (!shown.length) return;
    const next = (current + by + shown.length) % shown.length;
    setActive(next);
    document.getElementById(`palette-option-${next}`)?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <Dialog title="Command palette" onClose={close} className="cmd-palette">
      <input
        class="cmd-search"
        type="search"
        role="combobox"
        aria-label="Search commands"
        aria-expanded="true"
        aria-controls="palette-options"
        aria-autocomplete="list"
        aria-activedescendant={shown.length ? `palette-option-${current}` : undefined}
        placeholder="Type a command"
        value={query}
        autoFocus
        spellcheck={false}
        onInput={(event) => {
          setQuery(event.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            move(1);
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            move(-1);
          } else if (event.key === 'Enter') {
            event.preventDefault();
            if (shown[current]) runCommand(shown[current]);
          } else if (event.key === 'Escape') {
            // A search field's Escape would only clear the text: the palette closes at once.
            event.preventDefault();
            close();
          }
        }}
      />
      <ul id="palette-options" class="cmd-list" role="listbox" aria-label="Commands">
        {shown.map((command, index) => {
          const enabled = command.enabled?.(session) ?? true;
          const keys = keysOf(command);
          return (
            <li
              key={command.id}
              id={`palette-option-${index}`}
              role="option"
              aria-selected={index === current}
              aria-disabled={!enabled || undefined}
              class={index === current ? 'cmd-row cmd-row-active' : 'cmd-row'}
              data-command-id={command.id}
              onMouseMove={() => index !== current && setActive(index)}
              onClick={() => runCommand(command)}
            >
              <span class="cmd-label">{command.label}</span>
              <span class="cmd-category">{command.category}</span>
              <span class="cmd-keys">
                {keys.map((key) => (
                  <kbd key={key}>{formatBinding(key)}</kbd>
                ))}
              </span>
            </li>
          );
        })}
        {!shown.length && (
          <li class="cmd-empty" role="option" aria-selected="false" aria-disabled="true">
            No command matches
          </li>
        )}
      </ul>
    </Dialog>
  );
}
