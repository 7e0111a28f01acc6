// The formatting toolbar above a text cell's editor while it is edited (Colab's): heading, bold,
// italic, code, link, image, quote, lists, rule, LaTeX. Each button edits the cell's editor at its
// selection (markdownToolbarActions.ts); the editor keeps its focus, and Ctrl+Z undoes the change.
// One tab stop: arrow keys move between the buttons (the toolbar pattern).

import { useRef } from 'preact/hooks';
import type * as Y from 'yjs';
import { editorView } from './editorViews';
import { attachImages, MARKDOWN_ACTIONS, type MarkdownAction, runMarkdownAction } from './markdownToolbarActions';
import './markdownToolbar.css';

const ICONS: Record<string, string> = {
  title: 'M5 4v3h5.5v12h3V7H19V4z',
  bold: 'M15.6 10.79c.97-.67 1.65-1.77 1.65-2.79 0-2.26-1.75-4-4-4H7v14h7.04c2.09 0 3.71-1.7 3.71-3.79 0-1.52-.86-2.82-2.1-3.42zM10 6.5h3c.83 0 1.5.67 1.5 1.5s-.67 1.5-1.5 1.5h-3v-3zm3.5 9H10v-3h3.5c.83 0 1.5.67 1.5 1.5s-.67 1.5-1.5 1.5z',
  italic: 'M10 4v3h2.21l-3.42 8H6v3h8v-3h-2.21l3.42-8H18V4z',
  code: 'M9.4 16.6 4.8 12l4.6-4.6L8 6l-6 6 6 6 1.4-1.4zm5.2 0 4.6-4.6-4.6-4.6L16 6l6 6-6 6-1.4-1.4z',
  link: 'M3.9 12c0-1.71 1.39-3.1 3.1-3.1h4V7H7c-2.76 0-5 2.24-5 5s2.24 5 5 5h4v-1.9H7c-1.71 0-3.1-1.39-3.1-3.1zM8 13h8v-2H8v2zm9-6h-4v1.9h4c1.71 0 3.1 1.39 3.1 3.1s-1.39 3.1-3.1 3.1h-4V17h4c2.76 0 5-2.24 5-5s-2.24-5-5-5z',
  image: 'M21 19V5c0-1.1-.9-2-2-2H5c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2zM8.5 13.5l2.5 3.01L14.5 12l4.5 6H5l3.5-4.5z',
  quote: 'M6 17h3l2-4V7H5v6h3zm8 0h3l2-4V7h-6v6h3z',
  numbered:
    'M2 17h2v.5H3v1h1v.5H2v1h3v-4H2v1zm1-9h1V4H2v1h1v3zm-1 3h1.8L2 13.1v.9h3v-1H3.2L5 10.9V10H2v1zm5-6v2h14V5H7zm0 14h14v-2H7v2zm0-6h14v-2H7v2z',
  bulleted:
    'M4 10.5c-.83 0-1.5.67-1.5 1.5s.67 1.5 1.5 1.5 1.5-.67 1.5-1.5-.67-1.5-1.5-1.5zm0-6c-.83 0-1.5.67-1.5 1.5S3.17 7.5 4 7.5 5.5 6.83 5.5 6 4.83 4.5 4 4.5zm0 12c-.83 0-1.5.68-1.5 1.5s.68 1.5 1.5 1.5 1.5-.68 1.5-1.5-.67-1.5-1.5-1.5zM7 19h14v-2H7v2zm0-6h14v-2H7v2zm0-8v2h14V5H7z',
  rule: 'M4 11h16v2H4z',
  latex: 'M18 4H6v2l6.5 6L6 18v2h12v-3h-7l5-5-5-5h7z',
};

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** 'Mod-b' as people read it: Ctrl+B (⌘B on a Mac). */
export function keyText(key: string): string {
  return key
    .split('-')
    .map((part) => (part === 'Mod' ? (isMac ? '⌘' : 'Ctrl') : part.length === 1 ? part.toUpperCase() : part))
    .join(isMac ? '' : '+');
}

function Icon({ name }: { name: string }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={ICONS[name]} />
    </svg>
  );
}

interface Props {
  /** The text cell being edited. */
  id: string;
  ycell: Y.Map<unknown>;
}

export function MarkdownToolbar({ id, ycell }: Props) {
  const bar = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Where the caret was when the image button was pressed (the file dialog takes the focus).
  const caret = useRef<number | undefined>(undefined);

  const run = (action: MarkdownAction) => {
    const view = editorView(id);
    if (view) runMarkdownAction(view, action);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    const buttons = [...(bar.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? buttons.length - 1
          : (at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
    buttons.forEach((button, i) => (button.tabIndex = i === next ? 0 : -1));
    buttons[next].focus();
  };

  const button = (key: string, label: string, icon: string, onClick: () => void, shortcut?: string, first = false) => (
    <button
      key={key}
      type="button"
      class="nb-md-tool"
      aria-label={label}
      title={shortcut ? `${label} (${keyText(shortcut)})` : label}
      aria-keyshortcuts={shortcut ? shortcut.replace('Mod', isMac ? 'Meta' : 'Control').replace(/-/g, '+') : undefined}
      tabIndex={first ? 0 : -1}
      // The editor keeps its focus and selection: the action applies to what is selected there.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );

  const [heading, ...rest] = MARKDOWN_ACTIONS;
  const linkAt = rest.findIndex((action) => action.id === 'link') + 1;
  const actionButton = (action: MarkdownAction, first = false) =>
    button(action.id, action.label, action.icon, () => run(action), action.key, first);

  return (
    <div class="nb-md-toolbar" role="toolbar" aria-label="Text formatting" ref={bar} onKeyDown={onKeyDown}>
      {actionButton(heading, true)}
      {rest.slice(0, linkAt).map((action) => actionButton(action))}
      {button('image', 'Insert image', 'image', () => {
        caret.current = editorView(id)?.state.selection.main.head;
        fileInput.current?.click();
      })}
      {rest.slice(linkAt).map((action) => actionButton(action))}
      <input
        ref={fileInput}
        type="file"
        accept="image/*"
        multiple
        hidden
        aria-label="Image to insert"
        onChange={(event) => {
          const input = event.currentTarget;
          const files = [...(input.files ?? [])];
          input.value = '';
          const view = editorView(id);
          if (view && files.length) void attachImages(view, ycell, files, caret.current);
        }}
      />
    </div>
  );
}
