// The code editor follows the person's settings live (indent, line numbers, font size, vim,
// auto-closed brackets, line wrapping): each setting lives in a CodeMirror Compartment, and every
// open editor is reconfigured when the preferences change. Syntax colors come from CSS variables
// (--code-*), so they follow the light or dark theme without rebuilding anything.

import { closeBrackets } from '@codemirror/autocomplete';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, type Extension, Prec } from '@codemirror/state';
import { EditorView, highlightActiveLineGutter, lineNumbers, ViewPlugin } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import { effect } from '@preact/signals';
import { vim } from '@replit/codemirror-vim';
import { effectiveTheme, type EditorPreferences, preferences } from '../../state/preferences';

/** Syntax colors as CSS variables (light and dark values in styles.css). */
export const notebookHighlightStyle = HighlightStyle.define([
  { tag: t.meta, color: 'var(--code-meta)' },
  { tag: t.link, textDecoration: 'underline' },
  { tag: t.heading, textDecoration: 'underline', fontWeight: 'bold' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.strikethrough, textDecoration: 'line-through' },
  { tag: t.keyword, color: 'var(--code-keyword)' },
  { tag: [t.atom, t.bool, t.url, t.contentSeparator, t.labelName], color: 'var(--code-atom)' },
  { tag: [t.literal, t.inserted], color: 'var(--code-number)' },
  { tag: [t.string, t.deleted], color: 'var(--code-string)' },
  { tag: [t.regexp, t.escape, t.special(t.string)], color: 'var(--code-string-special)' },
  { tag: t.definition(t.variableName), color: 'var(--code-definition)' },
  { tag: t.local(t.variableName), color: 'var(--code-local)' },
  { tag: [t.typeName, t.namespace], color: 'var(--code-type)' },
  { tag: t.className, color: 'var(--code-class)' },
  { tag: [t.special(t.variableName), t.macroName], color: 'var(--code-builtin)' },
  { tag: t.definition(t.propertyName), color: 'var(--code-property)' },
  { tag: t.comment, color: 'var(--code-comment)', fontStyle: 'italic' },
  { tag: t.invalid, color: 'var(--danger)' },
]);

const editorColors = EditorView.theme({
  '&': { color: 'var(--code-text, var(--text))', backgroundColor: 'transparent' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground':
    { backgroundColor: 'var(--code-selection)' },
  '.cm-gutters': { backgroundColor: 'transparent', color: 'var(--muted)', border: 'none' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--text)' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--code-bracket)' },
  '.cm-panels': { backgroundColor: 'var(--surface)', color: 'var(--text)' },
  '.cm-vim-panel': { fontFamily: 'var(--nb-mono, monospace)' },
  '.cm-fat-cursor': { background: 'var(--code-fat-cursor) !important', color: 'var(--bg) !important' },
  '&:not(.cm-focused) .cm-fat-cursor': { background: 'none !important', outline: 'solid 1px var(--code-fat-cursor) !important' },
});

// CodeMirror's own parts (tooltips such as completion, panels, the search box) in dark or light.
const darkCompartment = new Compartment();
const darkFor = (theme: 'light' | 'dark') => EditorView.darkTheme.of(theme === 'dark');
let appliedTheme = effectiveTheme.peek();

type Setting = keyof EditorPreferences;

const compartments: Record<Setting, Compartment> = {
  indent: new Compartment(),
  lineNumbers: new Compartment(),
  fontSize: new Compartment(),
  vim: new Compartment(),
  closeBrackets: new Compartment(),
  lineWrap: new Compartment(),
};

function extensionFor<K extends Setting>(setting: K, value: EditorPreferences[K]): Extension {
  switch (setting) {
    case 'indent': {
      const size = value as number;
      return [indentUnit.of(' '.repeat(size)), EditorState.tabSize.of(size)];
    }
    case 'lineNumbers':
      return value ? [lineNumbers(), highlightActiveLineGutter()] : [];
    case 'fontSize':
      return EditorView.editorAttributes.of({ style: `font-size: ${value as number}px` });
    case 'vim':
      // Before every other key binding: in vim mode Escape goes to normal mode first.
      return value ? Prec.highest(vim({ status: true })) : [];
    case 'closeBrackets':
      return value ? closeBrackets() : [];
    case 'lineWrap':
      return value ? EditorView.lineWrapping : [];
  }
  return [];
}

const SETTINGS = Object.keys(compartments) as Setting[];
const openViews = new Set<EditorView>();
let applied: EditorPreferences = preferences.peek().editor;
let following = false;

/** Reconfigures every open editor whose settings changed (once per change, not per editor). */
function follow(): void {
  if (following) return;
  following = true;
  effect(() => {
    const next = preferences.value.editor;
    const changed = SETTINGS.filter((setting) => next[setting] !== applied[setting]);
    applied = next;
    if (!changed.length) return;
    const effects = changed.map((setting) => compartments[setting].reconfigure(extensionFor(setting, next[setting])));
    for (const view of openViews) view.dispatch({ effects });
  });
  effect(() => {
    const theme = effectiveTheme.value;
    if (theme === appliedTheme) return;
    appliedTheme = theme;
    for (const view of openViews) view.dispatch({ effects: darkCompartment.reconfigure(darkFor(theme)) });
  });
}

// The text area is in the tab order even when read-only, so a long line that scrolls sideways can
// be scrolled from the keyboard (axe: scrollable-region-focusable).
const focusableContent = EditorView.contentAttributes.of({ tabindex: '0' });

const tracker = ViewPlugin.define((view) => {
  openViews.add(view);
  return { destroy: () => openViews.delete(view) };
});

/** The settings part of a cell editor: its compartments, the colors, and live following. */
export function editorSettings(language: 'python' | 'markdown' = 'python'): Extension {
  follow();
  const current = preferences.peek().editor;
  return [
    ...SETTINGS.filter((setting) => language === 'python' || setting !== 'lineWrap').map((setting) =>
      compartments[setting].of(extensionFor(setting, current[setting])),
    ),
    darkCompartment.of(darkFor(appliedTheme)),
    syntaxHighlighting(notebookHighlightStyle),
    editorColors,
    focusableContent,
    tracker,
  ];
}
