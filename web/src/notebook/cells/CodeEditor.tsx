// One CodeMirror 6 editor bound to a cell's source Y.Text (y-codemirror.next), with remote
// cursors from awareness. Editors are made only when the cell comes near the viewport (or is
// focused), so a notebook with hundreds of cells opens quickly; until then the source shows
// as plain text.

import { closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { drawSelection, EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { useY } from '../model/useY';
import type { NotebookSession } from '../NotebookSession';
import { notebookExtensions } from './editorExtensions';
import { editorUndoManager, registerEditorView } from './editorViews';

export interface EditorKeys {
  /** Ctrl/Cmd+Enter */
  run: () => void;
  /** Shift+Enter */
  runAndNext: () => void;
  /** Alt+Enter */
  runAndInsert: () => void;
  /** Escape: leave the editor (markdown cells render again). */
  escape?: () => void;
}

interface Props {
  ytext: Y.Text;
  awareness: Awareness;
  language: 'python' | 'markdown';
  /** The accessible name of the editable area ("Code" or "Text"). */
  label: string;
  keys: EditorKeys;
  readOnly?: boolean;
  /** Mount at once and focus (a new cell, a markdown cell opened for editing). */
  focus?: boolean;
  /** Make the editor even while off screen. */
  eager?: boolean;
  onFocus?: () => void;
  /** The notebook and cell this editor edits (features' extensions use them; see editorExtensions.ts). */
  session?: NotebookSession;
  cellId?: string;
}

const theme = EditorView.theme({
  '&': { fontSize: '14px' },
  '.cm-content': { fontFamily: 'var(--nb-mono)', padding: '8px 0' },
  '.cm-line': { padding: '0 10px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { overflow: 'auto' },
});

function makeEditor(parent: HTMLElement, props: Props, keys: { current: EditorKeys }): EditorView {
  const undoManager = new Y.UndoManager(props.ytext);
  const runKeys = Prec.highest(
    keymap.of([
      { key: 'Mod-Enter', run: () => (keys.current.run(), true) },
      { key: 'Shift-Enter', run: () => (keys.current.runAndNext(), true) },
      { key: 'Alt-Enter', run: () => (keys.current.runAndInsert(), true) },
      {
        key: 'Escape',
        run: (view) => {
          if (!keys.current.escape) return false;
          view.contentDOM.blur();
          keys.current.escape();
          return true;
        },
      },
    ]),
  );
  const state = EditorState.create({
    doc: props.ytext.toString(),
    extensions: [
      // In a notebook the command registry's keys (commands/keyboard.ts via notebookExtensions) run
      // cells, leave the editor and the rest; these are for an editor outside a notebook.
      props.session ? [] : runKeys,
      props.session && props.cellId
        ? notebookExtensions({ session: props.session, cellId: props.cellId, language: props.language })
        : [],
      highlightSpecialChars(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      indentUnit.of('    '),
      EditorState.tabSize.of(4),
      props.language === 'python' ? python() : markdown(),
      keymap.of([...closeBracketsKeymap, ...yUndoManagerKeymap, ...completionKeymap, ...defaultKeymap, indentWithTab]),
      yCollab(props.ytext, props.awareness, { undoManager }),
      editorUndoManager.of(undoManager),
      EditorView.contentAttributes.of({ 'aria-label': props.label }),
      EditorState.readOnly.of(Boolean(props.readOnly)),
      EditorView.editable.of(!props.readOnly),
      placeholder(props.language === 'python' ? 'Start coding' : 'Write text (Markdown, $\\LaTeX$)'),
      theme,
      EditorView.domEventHandlers({
        focus: () => {
          props.onFocus?.();
          return false;
        },
      }),
    ],
  });
  return new EditorView({ state, parent });
}

let observer: IntersectionObserver | null = null;
const onVisible = new WeakMap<Element, () => void>();

/** Calls `mount` once `element` is within a screen or so of the viewport. */
function whenNearViewport(element: Element, mount: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    mount();
    return () => {};
  }
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer!.unobserve(entry.target);
        onVisible.get(entry.target)?.();
        onVisible.delete(entry.target);
      }
    },
    { rootMargin: '800px 0px' },
  );
  onVisible.set(element, mount);
  observer.observe(element);
  return () => {
    observer?.unobserve(element);
    onVisible.delete(element);
  };
}

export function CodeEditor(props: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const keys = useRef(props.keys);
  keys.current = props.keys;
  const [mounted, setMounted] = useState(Boolean(props.eager || props.focus));
  const focusOnMount = useRef(false);
  // Keep the stand-in current while there is no editor (another page may be typing).
  useY(mounted ? null : props.ytext);
  const mountNow = () => {
    focusOnMount.current = true;
    setMounted(true);
  };

  useEffect(() => {
    if (mounted || !host.current) return;
    return whenNearViewport(host.current, () => setMounted(true));
  }, [mounted]);

  useLayoutEffect(() => {
    if (!mounted || !host.current) return;
    const editor = makeEditor(host.current, props, keys);
    view.current = editor;
    const unregister = props.cellId ? registerEditorView(props.cellId, editor) : () => {};
    if (props.focus || focusOnMount.current) editor.focus();
    focusOnMount.current = false;
    return () => {
      unregister();
      editor.destroy();
      view.current = null;
    };
    // The editor is rebuilt only when it must bind to another text or mode.
  }, [mounted, props.ytext, props.awareness, props.language, props.readOnly, props.cellId]);

  useEffect(() => {
    if (props.focus && view.current && !view.current.hasFocus) view.current.focus();
  }, [props.focus]);

  return (
    <div class="nb-editor" ref={host}>
      {!mounted && (
        // Stands in until the editor is made; focusing it makes the editor at once.
        <pre
          class="nb-editor-preview"
          role="textbox"
          aria-label={props.label}
          aria-multiline="true"
          tabIndex={0}
          onFocus={mountNow}
          onMouseDown={mountNow}
        >
          {props.ytext.toString() || ' '}
        </pre>
      )}
    </div>
  );
}

/** Focuses the editor inside `root` (after it was made). */
export function focusEditorIn(root: Element | null): void {
  const content = root?.querySelector<HTMLElement>('.cm-content');
  if (content) {
    content.focus();
  } else {
    root?.querySelector<HTMLElement>('.nb-editor-preview')?.focus();
  }
}
