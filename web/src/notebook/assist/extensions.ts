// The assist feature's editor extensions: completion (the one autocompletion() of the editor)
// and, for python cells, hover docs and Shift+Tab.

import { autocompletion } from '@codemirror/autocomplete';
import type { Extension } from '@codemirror/state';
import type { EditorContext } from '../cells/editorExtensions';

export function assistExtensions(_ctx: EditorContext): Extension[] {
  return [autocompletion({ activateOnTyping: false })];
}
