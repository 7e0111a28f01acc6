// Keyboard shortcuts (Ctrl+M H): every command with its keys; "Change" records new keys (one
// stroke or a chord of two, like Ctrl+M Q), warns when another command has them, and saves
// them in the person's preferences (so they follow them to any browser); "Reset" goes back to
// the default.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Dialog } from '../../components/Dialog';
import { closeDialog, showDialog } from '../../state/dialogs';
import { preferences, updatePreferences } from '../../state/preferences';
import type { NotebookSession } from '../NotebookSession';
import { rememberFocus } from './focusBack';
import { fuzzyFilter } from './fuzzy';
import { allCommands } from './index';
import { keysOf } from './keyboard';
import { eventStroke, formatBinding, isMac, normalizeBinding } from './keys';
import type { Command } from './types';
import './commands.css';

export function openShortcuts(session: NotebookSession): void {
  const restore = rememberFocus(session);
  showDialog(<ShortcutsDialog restore={restore} />);
}

/** A recorded binding as stored: Ctrl (Cmd on a Mac) written as Mod, like the defaults. */
function toStored(keys: string): string {
  return keys.replace(isMac ? /Meta-/g : /Ctrl-/g, 'Mod-');
}

/** Commands (other than `except`) that have `binding` now. */
export function conflicts(binding: string, except: string, commands: Command[], shortcuts: Record<string, string[]>): Command[] {
  const wanted = normalizeBinding(binding);
  return commands.filter(
    (command) =>
      command.id !== except &&
      keysOf(command, shortcuts).some((key) => {
        const have = normalizeBinding(key);
        // A chord's first stroke bound alone shadows the chord, and the other way round.
        return have === wanted || have.startsWith(wanted + ' ') || wanted.startsWith(have + ' ');
      }),
  );
}

function Recorder({ command, onDone }: { command: Command; onDone: () => void }) {
  const [strokes, setStrokes] = useState<string[]>([]);
  const capture = useRef<HTMLDivElement>(null);
  useEffect(() => capture.current?.focus(), []);
  const binding = strokes.join(' ');
  const commands = useMemo(() => allCommands(), []);
  const clashes = binding ? conflicts(binding, command.id, commands, preferences.value.shortcuts) : [];
  const save = () => {
    if (!binding) return;
    void updatePreferences({ shortcuts: { ...preferences.value.shortcuts, [command.id]: [toStored(binding)] } });
    onDone();
  };
  return (
    <div class="cmd-recorder">
      <div
        class="cmd-capture"
        tabIndex={0}
        role="textbox"
        aria-label={`New keys for ${command.label}`}
        aria-describedby={clashes.length ? `clash-${command.id}` : undefined}
        ref={capture}
        onKeyDown={(event) => {
          if (event.key === 'Tab') return;
          event.preventDefault();
          event.stopPropagation();
          if (event.key === 'Escape' && !event.ctrlKey && !event.metaKey && !event.altKey) {
            onDone();
            return;
          }
          const stroke = eventStroke(event);
          if (!stroke) return;
          setStrokes((current) => (current.length >= 2 ? [stroke] : [...current, stroke]));
        }}
      >
        {binding ? formatBinding(binding) : 'Press the keys (two strokes make a chord)'}
      </div>
      {clashes.length > 0 && (
        <p id={`clash-${command.id}`} class="cmd-conflict" role="alert">
          Also used by: {clashes.map((c) => c.label).join(', ')}
        </p>
      )}
      <button type="button" class="button button-small button-primary" disabled={!binding} onClick={save}>
        Save
      </button>
      <button type="button" class="button button-small" onClick={() => setStrokes([])}>
        Clear
      </button>
      <button type="button" class="button button-small" onClick={onDone}>
        Cancel
      </button>
    </div>
  );
}

function ShortcutsDialog({ restore }: { restore: () => void }) {
  const [query, setQuery] = useState('');
  const [recording, setRecording] = useState<string | null>(null);
  const commands = useMemo(() => allCommands(), []);
  const shortcuts = preferences.value.shortcuts;
  const shown = fuzzyFilter(query, commands, (c) => `${c.label} ${c.category}`);
  const close = () => {
    closeDialog();
    restore();
  };
  const reset = (command: Command) => {
    const next = { ...shortcuts };
    delete next[command.id];
    void updatePreferences({ shortcuts: next });
  };
  const unbind = (command: Command) => void updatePreferences({ shortcuts: { ...shortcuts, [command.id]: [] } });

  return (
    <Dialog title="Keyboard shortcuts" onClose={close} className="cmd-shortcuts" wide>
      <input
        class="cmd-search"
        type="search"
        aria-label="Search shortcuts"
        placeholder="Search"
        value={query}
        autoFocus
        spellcheck={false}
        onInput={(event) => setQuery(event.currentTarget.value)}
      />
      <p class="cmd-hint">
        Keys in <em>command mode</em> (single letters) work when no editor has the focus: press Escape to leave one, Enter
        to edit again.
      </p>
      <table class="cmd-table">
        <thead>
          <tr>
            <th scope="col">Command</th>
            <th scope="col">Keys</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((command) => {
            const keys = keysOf(command, shortcuts);
            const custom = command.id in shortcuts;
            return (
              <tr key={command.id} data-command-id={command.id}>
                <th scope="row">
                  {command.label}
                  <span class="cmd-category">{command.category}</span>
                </th>
                <td class="cmd-keys">
                  {keys.length ? keys.map((key) => <kbd key={key}>{formatBinding(key)}</kbd>) : <span class="cmd-none">None</span>}
                  {recording === command.id && <Recorder command={command} onDone={() => setRecording(null)} />}
                </td>
                <td class="cmd-actions">
                  <button
                    type="button"
                    class="button button-small"
                    aria-label={`Change shortcut for ${command.label}`}
                    onClick={() => setRecording(command.id)}
                  >
                    Change
                  </button>
                  {keys.length > 0 && (
                    <button
                      type="button"
                      class="button button-small"
                      aria-label={`Remove shortcut for ${command.label}`}
                      onClick={() => unbind(command)}
                    >
                      Remove
                    </button>
                  )}
                  {custom && (
                    <button
                      type="button"
                      class="button button-small"
                      aria-label={`Reset shortcut for ${command.label}`}
                      onClick={() => reset(command)}
                    >
                      Reset
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="dialog-actions">
        <button type="button" class="button" onClick={close}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
