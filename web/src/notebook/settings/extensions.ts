// The settings' contribution to every cell editor (contract C5): see editorSettings.ts.

import { EditorView } from '@codemirror/view';
import type { Extension } from '@codemirror/state';
import type { EditorContext } from '../cells/editorExtensions';
import { editorSettings } from './editorSettings';

export function settingsExtensions(ctx: EditorContext): Extension[] {
  // Text (markdown) cells always wrap; the line-wrap setting is for code.
  return [editorSettings(ctx.language), ctx.language === 'markdown' ? EditorView.lineWrapping : []];
}
