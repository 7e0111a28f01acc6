// What the text cell's formatting toolbar (and Mod-b / Mod-i in a text cell's editor) does to the
// editor's selection, as Colab's toolbar does: wrap it (bold, italic, code, link, LaTeX), prefix
// its lines (heading, quote, lists) or insert at the caret (rule, image). Every action is one
// CodeMirror transaction through the editor, so Ctrl+Z undoes it like typing.
// Pasted or dropped images become attachments of the cell (markdown/attachments.ts).

import { EditorSelection, type EditorState, type Extension, type TransactionSpec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import type * as Y from 'yjs';
import { showToast } from '../../state/toasts';
import { attachmentFileName, attachmentsOf, MAX_ATTACHMENT_BYTES, setAttachment } from '../markdown/attachments';
import { cellId } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';
import type { EditorContext } from './editorExtensions';
import { asOwnUndoStep } from './editorViews';

/** Wraps each selection in `before`/`after`, or unwraps it when it is wrapped already; an empty
 * selection gets `placeholder` wrapped and selected. */
export function wrapSelection(state: EditorState, before: string, after: string, placeholder: string): TransactionSpec {
  return state.changeByRange((range) => {
    const text = state.sliceDoc(range.from, range.to);
    const outsideBefore = state.sliceDoc(range.from - before.length, range.from);
    const outsideAfter = state.sliceDoc(range.to, range.to + after.length);
    if (!range.empty && outsideBefore === before && outsideAfter === after) {
      // "**|bold|**" -> "|bold|"
      return {
        changes: [
          { from: range.from - before.length, to: range.from },
          { from: range.to, to: range.to + after.length },
        ],
        range: EditorSelection.range(range.from - before.length, range.to - before.length),
      };
    }
    if (text.length >= before.length + after.length && text.startsWith(before) && text.endsWith(after) && text.length > 0) {
      // "|**bold**|" -> "|bold|"
      const inner = text.slice(before.length, text.length - after.length);
      return {
        changes: { from: range.from, to: range.to, insert: inner },
        range: EditorSelection.range(range.from, range.from + inner.length),
      };
    }
    const inner = range.empty ? placeholder : text;
    return {
      changes: { from: range.from, to: range.to, insert: before + inner + after },
      range: EditorSelection.range(range.from + before.length, range.from + before.length + inner.length),
    };
  });
}

/** `[text](https://)`: the selection becomes the link's text and the address is selected. */
export function insertLink(state: EditorState): TransactionSpec {
  return state.changeByRange((range) => {
    const text = state.sliceDoc(range.from, range.to) || 'link text';
    const url = 'https://';
    const insert = `[${text}](${url})`;
    const urlStart = range.from + text.length + 3;
    return {
      changes: { from: range.from, to: range.to, insert },
      range: EditorSelection.range(urlStart, urlStart + url.length),
    };
  });
}

/** The lines any selection touches, once each, in order. */
function selectedLines(state: EditorState): { from: number; text: string; number: number }[] {
  const seen = new Map<number, { from: number; text: string; number: number }>();
  for (const range of state.selection.ranges) {
    const first = state.doc.lineAt(range.from).number;
    // A selection ending at a line's start does not take that line.
    const endLine = state.doc.lineAt(range.to);
    const last = range.to > range.from && endLine.from === range.to ? endLine.number - 1 : endLine.number;
    for (let n = first; n <= Math.max(first, last); n++) {
      const line = state.doc.line(n);
      seen.set(n, { from: line.from, text: line.text, number: n });
    }
  }
  return [...seen.values()].sort((a, b) => a.number - b.number);
}

/** Toggles a line prefix on every selected line: added to all unless all have it already. */
export function togglePrefix(state: EditorState, prefix: (index: number) => string, pattern: RegExp): TransactionSpec {
  const lines = selectedLines(state);
  const all = lines.every((line) => pattern.test(line.text));
  const changes = lines.map((line, index) => {
    if (all) {
      const match = pattern.exec(line.text)!;
      return { from: line.from, to: line.from + match[0].length };
    }
    // Another list or quote marker is replaced, not stacked ("- a" -> "1. a").
    const other = /^(\s*)([-*+] |\d+[.)] |> ?)/.exec(line.text);
    const from = other ? line.from + other[1].length : line.from;
    const to = other ? line.from + other[0].length : line.from;
    return { from, to, insert: prefix(index) };
  });
  return { changes, scrollIntoView: true };
}

/** Heading: none -> # -> ## -> ### -> none on the selected lines (Colab's button cycles too). */
export function cycleHeading(state: EditorState): TransactionSpec {
  const lines = selectedLines(state);
  const level = /^(#{1,6}) /.exec(lines[0]?.text ?? '')?.[1].length ?? 0;
  const next = level >= 3 ? 0 : level + 1;
  const changes = lines.map((line) => {
    const current = /^#{1,6} /.exec(line.text)?.[0].length ?? 0;
    return { from: line.from, to: line.from + current, insert: next ? `${'#'.repeat(next)} ` : '' };
  });
  return { changes, scrollIntoView: true };
}

/** A horizontal rule on its own line after the caret's line. */
export function insertRule(state: EditorState): TransactionSpec {
  const line = state.doc.lineAt(state.selection.main.head);
  const insert = `${line.text.trim() ? '\n\n' : '\n'}---\n`;
  const at = line.to;
  return {
    changes: { from: at, insert },
    selection: EditorSelection.cursor(at + insert.length),
    scrollIntoView: true,
  };
}

/** Text at the caret (replacing the selection), the caret after it. */
export function insertAtCaret(state: EditorState, text: string, at?: number): TransactionSpec {
  const from = at ?? state.selection.main.from;
  const to = at ?? state.selection.main.to;
  return { changes: { from, to, insert: text }, selection: EditorSelection.cursor(from + text.length), scrollIntoView: true };
}

export interface MarkdownAction {
  id: string;
  /** The button's accessible name. */
  label: string;
  /** CodeMirror key notation, when the action has a shortcut in text editors. */
  key?: string;
  icon: string;
  apply: (state: EditorState) => TransactionSpec;
}

const prefixOf = (text: string) => () => text;

/** The toolbar's text actions, in Colab's order (the image button is the toolbar's own). */
export const MARKDOWN_ACTIONS: MarkdownAction[] = [
  { id: 'heading', label: 'Heading', icon: 'title', apply: cycleHeading },
  { id: 'bold', label: 'Bold', key: 'Mod-b', icon: 'bold', apply: (s) => wrapSelection(s, '**', '**', 'strong text') },
  { id: 'italic', label: 'Italic', key: 'Mod-i', icon: 'italic', apply: (s) => wrapSelection(s, '*', '*', 'emphasized text') },
  { id: 'code', label: 'Code', icon: 'code', apply: (s) => wrapSelection(s, '`', '`', 'code') },
  { id: 'link', label: 'Link', icon: 'link', apply: insertLink },
  { id: 'quote', label: 'Indent (quote)', icon: 'quote', apply: (s) => togglePrefix(s, prefixOf('> '), /^> ?/) },
  {
    id: 'numbered',
    label: 'Numbered list',
    icon: 'numbered',
    apply: (s) => togglePrefix(s, (i) => `${i + 1}. `, /^\s*\d+[.)] /),
  },
  { id: 'bulleted', label: 'Bulleted list', icon: 'bulleted', apply: (s) => togglePrefix(s, prefixOf('- '), /^\s*[-*+] /) },
  { id: 'rule', label: 'Horizontal rule', icon: 'rule', apply: insertRule },
  { id: 'latex', label: 'LaTeX', icon: 'latex', apply: (s) => wrapSelection(s, '$', '$', 'x^2') },
];

/** Runs an action in `view` (one transaction: one undo step) and gives the editor its focus back. */
export function runMarkdownAction(view: EditorView, action: MarkdownAction): void {
  if (view.state.readOnly) return;
  asOwnUndoStep(view, () =>
    view.dispatch(view.state.update(action.apply(view.state), { userEvent: `input.format.${action.id}` })),
  );
  view.focus();
}

// ----- images ----------------------------------------------------------------------------------

function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

function sizeText(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Puts image files into the cell as attachments and their Markdown links into `view` at `at`
 * (default: the selection). Files that are no image, or over the size limit, are refused with a
 * toast. Resolves to the names attached.
 */
export async function attachImages(view: EditorView, ycell: Y.Map<unknown>, files: File[], at?: number): Promise<string[]> {
  const names: string[] = [];
  let links = '';
  for (const file of files) {
    if (!file.type.startsWith('image/')) {
      showToast(`${file.name || 'That file'} is not an image: only images can be put into a text cell.`, 'error');
      continue;
    }
    if (file.size > MAX_ATTACHMENT_BYTES) {
      showToast(
        `${file.name || 'The image'} is ${sizeText(file.size)}: images in a text cell can be at most ` +
          `${sizeText(MAX_ATTACHMENT_BYTES)}. Put it in a Drive folder and link it instead.`,
        'error',
      );
      continue;
    }
    let data: string;
    try {
      data = await readBase64(file);
    } catch (error) {
      showToast(`${file.name || 'The image'} could not be read (${String(error)}).`, 'error');
      continue;
    }
    const mime = file.type.toLowerCase();
    const name = attachmentFileName(file.name, mime, { ...attachmentsOf(ycell), ...Object.fromEntries(names.map((n) => [n, {}])) });
    setAttachment(ycell, name, { [mime]: data });
    names.push(name);
    links += `![${name}](attachment:${name})`;
  }
  if (links && !view.state.readOnly) {
    asOwnUndoStep(view, () =>
      view.dispatch(view.state.update(insertAtCaret(view.state, links, at), { userEvent: 'input.paste' })),
    );
    view.focus();
  }
  return names;
}

function imageFiles(data: DataTransfer | null): File[] {
  if (!data) return [];
  return [...data.files].filter((file) => file.type.startsWith('image/'));
}

function cellById(session: NotebookSession, id: string): Y.Map<unknown> | undefined {
  return session.cellAt(session.indexOf(id));
}

/** Mod-b / Mod-i, and images pasted or dropped into a text cell's editor (contract C5). */
export function markdownEditorExtensions(ctx: EditorContext): Extension[] {
  if (ctx.language !== 'markdown') return [];
  const shortcuts = MARKDOWN_ACTIONS.filter((action) => action.key).map((action) => ({
    key: action.key!,
    run: (view: EditorView) => {
      runMarkdownAction(view, action);
      return true;
    },
  }));
  const takeImages = (view: EditorView, files: File[], at?: number) => {
    const ycell = cellById(ctx.session, ctx.cellId);
    if (!ycell || cellId(ycell) !== ctx.cellId) return false;
    void attachImages(view, ycell, files, at);
    return true;
  };
  return [
    keymap.of(shortcuts),
    EditorView.domEventHandlers({
      paste(event, view) {
        const files = imageFiles(event.clipboardData);
        if (!files.length) return false;
        event.preventDefault();
        return takeImages(view, files);
      },
      drop(event, view) {
        const files = imageFiles(event.dataTransfer);
        if (!files.length) return false;
        event.preventDefault();
        const at = view.posAtCoords({ x: event.clientX, y: event.clientY }) ?? undefined;
        return takeImages(view, files, at);
      },
    }),
  ];
}
