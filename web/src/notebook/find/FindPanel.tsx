// The Find and replace side panel (Ctrl+F, Ctrl+H): find in every cell's source (and, when
// asked, outputs), "3 of 12", Enter / Shift+Enter for the next / previous match, Replace and
// Replace all (one undo step: Ctrl+Z outside an editor undoes it).

import type { Signal } from '@preact/signals';
import { useSignalEffect } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { NotebookSession } from '../NotebookSession';
import { PanelIcon } from '../panels/icons';
import { PanelFrame } from '../panels/PanelFrame';
import { clearHighlights, paintHighlights } from './highlight';
import { findOf } from './state';
import './find.css';

function Toggle({ value, label, text }: { value: Signal<boolean>; label: string; text: string }) {
  return (
    <button
      type="button"
      class="nb-find-toggle"
      // The glyph is drawn by CSS: the button's name is its label ("Match case"), not "Aa".
      data-glyph={text}
      aria-label={label}
      title={label}
      aria-pressed={value.value}
      onClick={() => (value.value = !value.value)}
    >
    </button>
  );
}

export function FindPanel({ session }: { session: NotebookSession }) {
  const find = findOf(session);
  const findField = useRef<HTMLInputElement>(null);
  const replaceField = useRef<HTMLInputElement>(null);
  const matches = find.matches.value;
  const current = find.current.value;
  const error = find.error.value;
  const query = find.query.value;
  const currentMatch = matches[current] ?? null;

  // Ctrl+F / Ctrl+H (again): the keyboard goes to the field, its text selected.
  useSignalEffect(() => {
    const request = find.focusField.value;
    if (!request) return;
    const field = request.field === 'replace' ? replaceField.current : findField.current;
    queueMicrotask(() => {
      field?.focus();
      field?.select();
    });
  });

  useEffect(() => {
    // Opened by the rail's button: focus the field too.
    findField.current?.focus();
    return () => clearHighlights();
  }, []);

  // Rendered text cells and outputs: painted after each search, move, or change to the cells.
  useSignalEffect(() => {
    void [find.matches.value, find.current.value, find.scrollNonce.value, session.editing.value];
    const frame = window.requestAnimationFrame(() => paintHighlights(session, find));
    return () => window.cancelAnimationFrame(frame);
  });

  const onFieldKeys = (event: KeyboardEvent, field: 'find' | 'replace') => {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && (event.key === 'f' || event.key === 'F')) {
      event.preventDefault();
      findField.current?.focus();
      findField.current?.select();
    } else if (mod && !event.altKey && (event.key === 'h' || event.key === 'H')) {
      event.preventDefault();
      replaceField.current?.focus();
      replaceField.current?.select();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      const selected = session.selected.peek();
      session.panels.close('left');
      if (selected) session.requestFocus(selected);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (field === 'replace') {
        if (mod) find.replaceAll();
        else find.replaceCurrent();
      } else if (event.shiftKey) find.previous();
      else find.next();
    }
  };

  let count = '';
  if (query && !error) count = matches.length ? `${current + 1} of ${matches.length}` : 'No results';
  const canReplace = Boolean(currentMatch && currentMatch.where === 'source');
  const anySource = matches.some((match) => match.where === 'source');

  return (
    <PanelFrame session={session} id="find" label="Find and replace">
      <div class="nb-find-form">
        <div class="nb-find-row">
          <input
            ref={findField}
            type="text"
            aria-label="Find"
            placeholder="Find"
            spellcheck={false}
            autocomplete="off"
            value={query}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby="nb-find-count"
            onInput={(event) => (find.query.value = event.currentTarget.value)}
            onKeyDown={(event) => onFieldKeys(event, 'find')}
          />
          <button type="button" class="nb-icon-button" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={!matches.length} onClick={() => find.previous()}>
            <PanelIcon name="up" size={18} />
          </button>
          <button type="button" class="nb-icon-button" aria-label="Next match" title="Next match (Enter)" disabled={!matches.length} onClick={() => find.next()}>
            <PanelIcon name="down" size={18} />
          </button>
        </div>
        <div class="nb-find-row" role="group" aria-label="Find options">
          <Toggle value={find.matchCase} label="Match case" text="Aa" />
          <Toggle value={find.wholeWord} label="Whole word" text="ab|" />
          <Toggle value={find.regex} label="Regular expression" text=".*" />
          <Toggle value={find.inOutputs} label="Find in outputs" text="Out" />
        </div>
        <p id="nb-find-count" class="nb-find-count" role="status" aria-live="polite">
          {count}
        </p>
        {error && (
          <p class="nb-find-error" role="alert">
            {error}
          </p>
        )}
        <div class="nb-find-row">
          <input
            ref={replaceField}
            type="text"
            aria-label="Replace with"
            placeholder="Replace with"
            spellcheck={false}
            autocomplete="off"
            value={find.replacement.value}
            onInput={(event) => (find.replacement.value = event.currentTarget.value)}
            onKeyDown={(event) => onFieldKeys(event, 'replace')}
          />
        </div>
        <div class="nb-find-actions">
          <button type="button" class="button" disabled={!canReplace} onClick={() => find.replaceCurrent()}>
            Replace
          </button>
          <button type="button" class="button" disabled={!anySource} onClick={() => find.replaceAll()}>
            Replace all
          </button>
        </div>
        <p class="visually-hidden" role="status">
          {find.announcement.value}
        </p>
      </div>
    </PanelFrame>
  );
}
