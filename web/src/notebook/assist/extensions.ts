// The assist feature's editor extensions (contract C5): completion from the runtime (the one
// autocompletion() of the editor: Tab, Ctrl+Space, and by itself after a '.'), and docs from
// the runtime (hover a name, Shift+Tab, or Ctrl+Space again while the list is open).

import {
  acceptCompletion,
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  completionStatus,
  selectedCompletion,
  startCompletion,
} from '@codemirror/autocomplete';
import { localCompletionSource } from '@codemirror/lang-python';
import { type Extension, Prec, StateEffect, StateField } from '@codemirror/state';
import {
  closeHoverTooltips,
  EditorView,
  hasHoverTooltips,
  hoverTooltip,
  keymap,
  showTooltip,
  type Tooltip,
  ViewPlugin,
} from '@codemirror/view';
import type { EditorContext } from '../cells/editorExtensions';
import type { NotebookSession } from '../NotebookSession';
import { renderDocsInto } from './docRender';
import { ensureHelpWatcher } from './help';
import { completesAsYouType, completionIconType, completionTypeLabel, nameAt, tabCompletes, typedPrefix, withCompletion } from './logic';
import './assist.css';

/** How long the pointer rests on a name before its docs show. */
const HOVER_MS = 300;

export function assistExtensions(ctx: EditorContext): Extension[] {
  ensureHelpWatcher(ctx.session);
  if (ctx.language !== 'python') return [autocompletion({ activateOnTyping: false })];
  return pythonAssist(ctx.session);
}

/** Completion, hover docs and Shift+Tab docs for a python editor asking `session`'s runtime
 * (cells and the scratch cell). */
export function pythonAssist(session: NotebookSession): Extension[] {
  return [
    autocompletion({
      override: [runtimeCompletions(session)],
      activateOnTyping: true,
      addToOptions: [{ render: renderTypeLabel, position: 90 }],
    }),
    Prec.high(
      keymap.of([
        { key: 'Tab', run: (view) => tabKey(view) },
        { key: 'Shift-Tab', run: (view) => (void showDocs(view, session), true) },
        { key: 'Ctrl-Space', run: (view) => completionStatus(view.state) === 'active' && (void showDocs(view, session), true) },
        { key: 'Escape', run: closeDocs },
      ]),
    ),
    docsField,
    scrollablesFocusable,
    // Leaving the editor closes its docs.
    EditorView.focusChangeEffect.of((state, focusing) => (!focusing && state.field(docsField, false) ? setDocs.of(null) : null)),
    pointerRest,
    hoverTooltip((view, pos) => (pointerMoved.get(view) === false ? null : hoverDocs(view, pos, session)), {
      hoverTime: HOVER_MS,
    }),
  ];
}

// Docs come on hover only when the pointer moved over the name after the last click: a pointer
// left resting where the person clicked to type or run would otherwise open docs that cover the
// next cell, right where the next click goes.
const pointerMoved = new WeakMap<EditorView, boolean>();
let pressedAt: { x: number; y: number } | null = null;
const pointerRest = EditorView.domEventHandlers({
  mousedown: (event, view) => {
    pressedAt = { x: event.clientX, y: event.clientY };
    pointerMoved.set(view, false);
    return false;
  },
  mousemove: (event, view) => {
    if (pointerMoved.get(view) !== false || !pressedAt) return false;
    if (Math.abs(event.clientX - pressedAt.x) + Math.abs(event.clientY - pressedAt.y) > 4) pointerMoved.set(view, true);
    return false;
  },
});

// ---- completion ----

/** The completion list and a long docs tooltip scroll; axe (WCAG) wants a scrolling region
 * focusable. The list is driven from the editor (aria-activedescendant: arrows, Enter, Tab), so
 * this only marks it; the Help panel is where long docs are read by keyboard. */
const scrollablesFocusable = ViewPlugin.define((view) => {
  const mark = () =>
    view.requestMeasure({
      read: () =>
        [...view.dom.querySelectorAll<HTMLElement>('.cm-tooltip-autocomplete > ul, .nb-docs-tooltip')].filter(
          (element) => !element.hasAttribute('tabindex') && element.scrollHeight > element.clientHeight,
        ),
      write: (scrolling) => scrolling.forEach((element) => (element.tabIndex = 0)),
    });
  return {
    update: (update) => {
      if (update.transactions.length || update.docChanged) mark();
    },
  };
});


interface TypedCompletion extends Completion {
  jediType?: string | null;
}

function runtimeCompletions(session: NotebookSession) {
  return async (context: CompletionContext): Promise<CompletionResult | null> => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    // Typing opens the list only after an attribute's '.'; Tab and Ctrl+Space open it anywhere.
    if (!context.explicit && !completesAsYouType(before)) return null;
    const code = context.state.doc.toString();
    const reply = await session.events.complete(code, context.pos);
    if (context.aborted) return null;
    if (!reply || reply.error) {
      // No runtime: the names this cell defines, when asked for.
      return context.explicit ? localCompletionSource(context) : null;
    }
    const options = completionOptions(reply.items, reply.matches);
    if (!options.length) return null;
    return { from: reply.cursor_start, to: Math.max(reply.cursor_end, context.pos), options, validFor: /^[\p{L}\p{N}_]*$/u };
  };
}

function completionOptions(items: { text: string; type: string | null; signature: string | null }[], matches: string[]): TypedCompletion[] {
  const seen = new Set<string>();
  const options: TypedCompletion[] = [];
  const all = items.length ? items : matches.map((text) => ({ text, type: null, signature: null }));
  all.forEach((item, index) => {
    if (seen.has(item.text)) return;
    seen.add(item.text);
    options.push({
      label: item.text,
      type: completionIconType(item.type),
      detail: item.signature && item.signature !== item.text ? item.signature : undefined,
      jediType: item.type,
      // Keep the runtime's order among equally good matches.
      boost: -Math.min(index, 99) / 100,
    });
  });
  return options;
}

/** The item's kind in words, after its signature (what the icon shows, for everyone). */
function renderTypeLabel(completion: Completion): Node | null {
  const label = completionTypeLabel((completion as TypedCompletion).jediType);
  if (!label) return null;
  const span = document.createElement('span');
  span.className = 'nb-completion-kind';
  span.textContent = label;
  return span;
}

function tabKey(view: EditorView): boolean {
  if (completionStatus(view.state) === 'active') return acceptCompletion(view);
  const range = view.state.selection.main;
  if (!range.empty || view.state.selection.ranges.length > 1) return false;
  const line = view.state.doc.lineAt(range.head);
  if (!tabCompletes(line.text.slice(0, range.head - line.from))) return false; // indent, as before
  return startCompletion(view);
}

// ---- docs ----

const setDocs = StateEffect.define<Tooltip | null>();

const docsField = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setDocs)) return effect.value;
    if (value && (tr.docChanged || tr.selection)) return null;
    return value;
  },
  provide: (field) => showTooltip.from(field),
});

/** Whether `view` is a python editor with the assist extensions (docs make sense there). */
export function hasAssist(view: EditorView): boolean {
  return view.state.field(docsField, false) !== undefined;
}

function docsTooltip(pos: number, data: Record<string, unknown>, end?: number): Tooltip | null {
  const dom = document.createElement('div');
  dom.className = 'nb-docs-tooltip';
  dom.setAttribute('role', 'tooltip');
  if (!renderDocsInto(dom, data)) return null;
  return { pos, end, above: true, create: () => ({ dom }) };
}

/** Shift+Tab: the docs of the name at the caret (or of the completion item chosen). */
export async function showDocs(view: EditorView, session: NotebookSession): Promise<void> {
  const state = view.state;
  const head = state.selection.main.head;
  let code = state.doc.toString();
  let cursor = head;
  const chosen = completionStatus(state) === 'active' ? selectedCompletion(state) : null;
  if (chosen) {
    const line = state.doc.lineAt(head);
    const from = head - typedPrefix(line.text.slice(0, head - line.from), chosen.label);
    ({ code, cursor } = withCompletion(code, from, head, chosen.label));
  } else {
    const name = nameAt(code, head);
    // Inside a call's parentheses (`f(x, |`) IPython finds the function itself.
    if (name) cursor = name.to;
  }
  const reply = await session.events.inspect(code, cursor, 0);
  // The person typed on or moved away meanwhile: this answer is stale.
  if (view.state.doc !== state.doc || view.state.selection.main.head !== head) return;
  if (!reply || reply.error || !reply.found) return;
  const tooltip = docsTooltip(head, reply.data);
  if (tooltip) view.dispatch({ effects: setDocs.of(tooltip) });
}

function closeDocs(view: EditorView): boolean {
  const effects: StateEffect<unknown>[] = [];
  if (view.state.field(docsField, false)) effects.push(setDocs.of(null));
  if (hasHoverTooltips(view.state)) effects.push(closeHoverTooltips);
  if (!effects.length) return false;
  view.dispatch({ effects });
  return true;
}

async function hoverDocs(view: EditorView, pos: number, session: NotebookSession): Promise<Tooltip | null> {
  const doc = view.state.doc;
  const line = doc.lineAt(pos);
  const name = nameAt(line.text, pos - line.from);
  if (!name) return null;
  const reply = await session.events.inspect(doc.toString(), line.from + name.to, 0);
  if (view.state.doc !== doc || !reply || reply.error || !reply.found) return null;
  return docsTooltip(line.from + name.from, reply.data, line.from + name.to);
}
