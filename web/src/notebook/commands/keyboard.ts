// The keyboard layer: one document-level keydown listener for command mode (a cell selected,
// no editor focused: single keys like A, B, D D, Z, and Ctrl+M chords), and CodeMirror handlers
// built from the same registry, so Ctrl+M B, Ctrl+Enter or Ctrl+Shift+- work while typing
// (Colab's behaviour). Bindings are each command's defaults, or the person's own from their
// preferences (the shortcuts dialog). A chord's second key must come within 2 seconds.

import { closeCompletion, completionStatus, currentCompletions } from '@codemirror/autocomplete';
import { Prec, type Extension } from '@codemirror/state';
import { crosshairCursor, EditorView, rectangularSelection } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { preferences } from '../../state/preferences';
import type { NotebookSession } from '../NotebookSession';
import { allCommands } from './index';
import { eventStroke, normalizeBinding, strokeIsModified } from './keys';
import type { Command, CommandMode } from './types';

export const CHORD_TIMEOUT_MS = 2000;

export interface Binding {
  command: Command;
  /** Canonical form (keys.ts). */
  keys: string;
  /** The binding as written (CodeMirror notation). */
  written: string;
  mode: CommandMode;
  /** Its first stroke holds Ctrl, Alt or Meta (or is Shift+Enter or a function key). */
  modified: boolean;
}

/** A command's bindings now: the person's own if they changed them, else its defaults. */
export function keysOf(command: Command, shortcuts = preferences.value.shortcuts): string[] {
  return shortcuts[command.id] ?? command.keys ?? [];
}

let cache: { shortcuts: unknown; list: Binding[] } | null = null;

export function currentBindings(): Binding[] {
  const shortcuts = preferences.value.shortcuts;
  if (cache && cache.shortcuts === shortcuts) return cache.list;
  const list: Binding[] = [];
  for (const command of allCommands()) {
    for (const written of keysOf(command, shortcuts)) {
      const keys = normalizeBinding(written);
      if (!keys) continue;
      list.push({ command, keys, written, mode: command.mode ?? 'any', modified: strokeIsModified(keys.split(' ')[0]) });
    }
  }
  cache = { shortcuts, list };
  return list;
}

let pending: { keys: string; at: number } | null = null;

/** Runs the command bound to this key press (or starts a chord). True when the key was used. */
export function dispatchKey(session: NotebookSession, event: KeyboardEvent, usable: (binding: Binding) => boolean): boolean {
  const stroke = eventStroke(event);
  if (!stroke) return false;
  const now = Date.now();
  const prefix = pending && now - pending.at < CHORD_TIMEOUT_MS ? pending.keys : null;
  pending = null;
  const bindings = currentBindings().filter(usable);
  const candidates = prefix
    ? [`${prefix} ${stroke}`, `${prefix} ${stroke.replace(/(Ctrl|Meta)-/, '')}`] // Ctrl+M, Ctrl+B works too
    : [stroke];
  for (const candidate of candidates) {
    const exact = bindings.find((b) => b.keys === candidate && (b.command.enabled?.(session) ?? true));
    if (exact) {
      event.preventDefault();
      event.stopPropagation();
      void Promise.resolve(exact.command.run(session)).catch((error) => console.error(error));
      return true;
    }
    if (bindings.some((b) => b.keys.startsWith(candidate + ' '))) {
      event.preventDefault();
      event.stopPropagation();
      pending = { keys: candidate, at: now };
      return true;
    }
  }
  if (prefix) {
    // Ctrl+M then a key with no command: nothing happens (the key is not typed either).
    event.preventDefault();
    return true;
  }
  return false;
}

const first = (binding: Binding) => binding.keys.split(' ')[0];

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], iframe';
const OVERLAY = 'dialog, [role="dialog"], [role="alertdialog"], [role="menu"], [aria-modal="true"]';
const CONTROL = 'button, a[href], [role="button"], summary, [role="menuitem"], [role="tab"]';

/** The page-wide listener; the returned function removes it. */
export function installKeyboard(session: NotebookSession): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest('.cm-editor')) return; // the editor's own handlers (editorKeymap)
    if (target?.closest(OVERLAY) || target?.closest(TYPING)) return;
    const inCells = !target || target === document.body || target === document.documentElement || Boolean(target.closest('.nb-cells'));
    const onControl = Boolean(target?.closest(CONTROL));
    dispatchKey(session, event, (b) => {
      if (b.mode === 'edit') return false;
      if (!inCells) return b.modified;
      if (onControl && (first(b) === 'Enter' || first(b) === 'Space')) return false; // the button's own
      return true;
    });
  };
  const onFocusIn = (event: FocusEvent) => {
    const target = event.target instanceof Element ? event.target : null;
    const editing = Boolean(target?.closest('.nb-cell') && target.closest(`.cm-editor, ${TYPING}`));
    session.mode.value = editing ? 'edit' : 'command';
  };
  document.addEventListener('keydown', onKeyDown);
  document.addEventListener('focusin', onFocusIn);
  return () => {
    document.removeEventListener('keydown', onKeyDown);
    document.removeEventListener('focusin', onFocusIn);
  };
}

/** The editor side (contract C5): the registry's modifier keys before the editor's own keymaps,
 * Escape (leave the editor) after them (so it first closes completion or extra cursors), and
 * multiple cursors (Alt+drag for a rectangle, Ctrl+D for the next occurrence). */
export function editorKeymap(ctx: { session: NotebookSession; cellId: string }): Extension[] {
  const { session, cellId } = ctx;
  const mine = () => {
    if (session.selected.peek() !== cellId) session.select(cellId);
  };
  return [
    Prec.high(
      EditorView.domEventHandlers({
        keydown: (event, view) => {
          mine();
          // A completion that shows nothing (waiting for the runtime, or no match) would take Escape.
          if (event.key === 'Escape' && completionStatus(view.state) !== null && !currentCompletions(view.state).length) {
            closeCompletion(view);
          }
          return dispatchKey(session, event, (b) => b.mode !== 'command' && b.modified);
        },
      }),
    ),
    Prec.low(
      EditorView.domEventHandlers({
        keydown: (event) => {
          mine();
          return dispatchKey(session, event, (b) => b.mode === 'edit' && !b.modified);
        },
      }),
    ),
    EditorState.allowMultipleSelections.of(true),
    rectangularSelection(),
    crosshairCursor(),
  ];
}
