// Find's highlighting inside the cell editors (contract C5): every match of the query in this
// editor, the current match stronger, and the editor scrolls to the current match when find
// goes to it.

import { type Extension, StateEffect } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import { effect } from '@preact/signals';
import type { NotebookSession } from '../NotebookSession';
import { findAll } from './search';
import { FIND_PANEL, findOf } from './state';

const refresh = StateEffect.define<null>();
const matchMark = Decoration.mark({ class: 'nb-find-match' });
const currentMark = Decoration.mark({ class: 'nb-find-match nb-find-current' });

export function findExtensions(ctx: { session: NotebookSession; cellId: string }): Extension[] {
  const { session, cellId } = ctx;
  const find = findOf(session);

  const currentHere = () => {
    const match = find.matches.peek()[find.current.peek()];
    return match && match.cellId === cellId && match.where === 'source' ? match : null;
  };

  const build = (view: EditorView): DecorationSet => {
    const re = find.pattern();
    if (!re) return Decoration.none;
    const text = view.state.doc.toString();
    const current = currentHere();
    const ranges = findAll(text, re, 5000).map((range) =>
      (current && range.from === current.from && range.to === current.to ? currentMark : matchMark).range(range.from, range.to),
    );
    return Decoration.set(ranges);
  };

  const plugin = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      private seen = -1;
      private dispose: () => void;
      private dead = false;

      constructor(readonly view: EditorView) {
        this.decorations = build(view);
        let first = true;
        this.dispose = effect(() => {
          void [find.query.value, find.matchCase.value, find.wholeWord.value, find.regex.value];
          void [find.matches.value, find.current.value, find.scrollNonce.value, session.panels.left.value];
          if (first) {
            // An editor made after find went to its match (it was off screen) scrolls there too.
            first = false;
            queueMicrotask(() => this.scroll());
            return;
          }
          queueMicrotask(() => {
            if (this.dead) return;
            this.view.dispatch({ effects: refresh.of(null) });
            this.scroll();
          });
        });
      }

      scroll(): void {
        if (this.dead || session.panels.left.peek() !== FIND_PANEL) return;
        const nonce = find.scrollNonce.peek();
        const match = currentHere();
        if (!match || nonce === this.seen) return;
        this.seen = nonce;
        const end = Math.min(match.to, this.view.state.doc.length);
        this.view.dispatch({ effects: EditorView.scrollIntoView(Math.min(match.from, end), { y: 'center' }) });
      }

      update(update: ViewUpdate): void {
        if (update.docChanged || update.transactions.some((tr) => tr.effects.some((e) => e.is(refresh)))) {
          this.decorations = build(update.view);
        }
      }

      destroy(): void {
        this.dead = true;
        this.dispose();
      }
    },
    { decorations: (value) => value.decorations },
  );
  return [plugin];
}
