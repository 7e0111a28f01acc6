// The CodeMirror extensions that features add to every cell editor (contract C5): completion
// and hover docs (assist), find highlighting (nav), keymaps (keys), settings (look). Each feature
// adds ONE import and ONE list entry below; each contribution is a function of the context.

import type { Extension } from '@codemirror/state';
import { assistExtensions } from '../assist/extensions';
import { editorKeymap } from '../commands/keyboard';
import type { NotebookSession } from '../NotebookSession';
import { findExtensions } from '../find/extension';
import { markdownEditorExtensions } from './markdownToolbarActions';
import { settingsExtensions } from '../settings/extensions';

export interface EditorContext {
  session: NotebookSession;
  cellId: string;
  language: 'python' | 'markdown';
}

type Contribution = (ctx: EditorContext) => Extension[];

const CONTRIBUTIONS: Contribution[] = [
  settingsExtensions,
  markdownEditorExtensions,
  assistExtensions,
  editorKeymap,
  findExtensions,
];

/** Every feature's extensions for the editor of cell `cellId` in `session`. */
export function notebookExtensions(ctx: EditorContext): Extension[] {
  return CONTRIBUTIONS.flatMap((contribute) => contribute(ctx));
}
