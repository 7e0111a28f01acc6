// A text (markdown) cell: rendered (math, images, tables), double-click to edit its source;
// Shift+Enter or Ctrl+Enter renders it again.

import { useMemo } from 'preact/hooks';
import * as Y from 'yjs';
import { attachmentsOf } from '../markdown/attachments';
import { renderMarkdown } from '../markdown/render';
import { cellSource } from '../model/cells';
import { useY } from '../model/useY';
import type { NotebookSession } from '../NotebookSession';
import { CodeEditor, type EditorKeys } from './CodeEditor';
import { MarkdownToolbar } from './markdownToolbar';

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
  // Images pasted here land in the cell's attachments (a Y.Map once this page added one).
  const yattachments = ycell.get('attachments');
  useY(yattachments instanceof Y.Map ? yattachments : null, true);
  const attachments = attachmentsOf(ycell);
  const attachmentsKey = Object.entries(attachments ?? {})
    .map(([name, bundle]) => `${name}:${Object.values(bundle).map((value) => String(value).length)}`)
    .join('\n');
  const html = useMemo(() => renderMarkdown(source, attachments), [source, attachmentsKey]);

  if (editing) {
    return (
      <div class="nb-markdown-editing">
        <MarkdownToolbar id={id} ycell={ycell} />
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
