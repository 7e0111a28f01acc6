// A text (markdown) cell: rendered (math, images, tables), double-click to edit its source;
// Shift+Enter or Ctrl+Enter renders it again.

import { useMemo } from 'preact/hooks';
import type * as Y from 'yjs';
import { type Attachments, renderMarkdown } from '../markdown/render';
import { cellSource } from '../model/cells';
import { useY } from '../model/useY';
import type { NotebookSession } from '../NotebookSession';
import { CodeEditor, type EditorKeys } from './CodeEditor';

interface Props {
  session: NotebookSession;
  ycell: Y.Map<unknown>;
  id: string;
  editing: boolean;
  keys: EditorKeys;
  focus: boolean;
  onFocus: () => void;
}

export function MarkdownCell({ session, ycell, id, editing, keys, focus, onFocus }: Props) {
  const ytext = cellSource(ycell);
  useY(ytext);
  const source = ytext.toString();
  const attachments = ycell.get('attachments') as Attachments | undefined;
  const html = useMemo(() => renderMarkdown(source, attachments), [source, attachments]);

  if (editing) {
    return (
      <div class="nb-markdown-editing">
        <CodeEditor
          ytext={ytext}
          awareness={session.provider.awareness}
          session={session}
          cellId={id}
          language="markdown"
          label="Text"
          keys={{ ...keys, escape: () => session.setEditing(id, false) }}
          focus={focus}
          eager
          onFocus={onFocus}
        />
        <div class="nb-markdown nb-markdown-preview" dangerouslySetInnerHTML={{ __html: html }} />
      </div>
    );
  }
  return (
    <div
      class="nb-markdown"
      tabIndex={0}
      aria-label="Rendered text"
      onDblClick={() => {
        session.setEditing(id, true);
        session.requestFocus(id);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
          event.preventDefault();
          session.setEditing(id, true);
          session.requestFocus(id);
        }
      }}
    >
      {source.trim() ? (
        <div dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <p class="nb-markdown-empty">Double-click (or press Enter) to edit</p>
      )}
    </div>
  );
}
