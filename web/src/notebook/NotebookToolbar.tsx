// The notebook's header: its name (renames the Drive file), the runtime indicator, and the
// notebook-wide actions (add cells, run all, interrupt, restart, undo, downloads).

import { useEffect, useState } from 'preact/hooks';
import { renameItem } from '../api/drive';
import { getNotebookJson } from '../api/notebooks';
import type { DriveItem } from '../api/types';
import { showError } from '../state/toasts';
import { notebookToPython, pythonFileName } from './model/export';
import { MenuBar } from './commands/MenuBar';
import { NbIcon } from './NbIcon';
import type { NotebookSession } from './NotebookSession';
import { RuntimeIndicator } from './RuntimeIndicator';
import { SaveStatus } from './SaveStatus';

function TitleField({ item, onRenamed }: { item: DriveItem | null; onRenamed: (item: DriveItem) => void }) {
  const [value, setValue] = useState(item?.name ?? '');
  useEffect(() => setValue(item?.name ?? ''), [item?.name]);

  const commit = async () => {
    if (!item) return;
    let name = value.trim();
    if (!name) {
      setValue(item.name);
      return;
    }
    if (!name.toLowerCase().endsWith('.ipynb')) name += '.ipynb';
    if (name === item.name) {
      setValue(name);
      return;
    }
    try {
      onRenamed(await renameItem(item.id, name));
    } catch (error) {
      showError(error);
      setValue(item.name);
    }
  };

  return (
    <input
      class="nb-title"
      aria-label="Notebook name"
      value={value}
      disabled={!item}
      spellcheck={false}
      onInput={(event) => setValue(event.currentTarget.value)}
      onBlur={() => void commit()}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          event.currentTarget.blur();
        } else if (event.key === 'Escape') {
          setValue(item?.name ?? '');
          event.currentTarget.blur();
        }
      }}
    />
  );
}

function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The .ipynb as it is now: the live document (the file in Drive may be a second behind). */
async function downloadNotebook(session: NotebookSession, name: string): Promise<void> {
  try {
    await session.provider.flush();
    const notebook = await getNotebookJson(session.id);
    saveBlob(new Blob([JSON.stringify(notebook, null, 1) + '\n'], { type: 'application/x-ipynb+json' }), name);
  } catch (error) {
    showError(error);
  }
}

function downloadPython(session: NotebookSession, name: string): void {
  const cells = session.snapshot().map((cell) => ({
    cell_type: cell.cell_type,
    source: Array.isArray(cell.source) ? cell.source.join('') : cell.source,
  }));
  saveBlob(new Blob([notebookToPython(cells, name)], { type: 'text/x-python' }), pythonFileName(name || 'notebook.ipynb'));
}

interface Props {
  session: NotebookSession;
  item: DriveItem | null;
  onRenamed: (item: DriveItem) => void;
}

export function NotebookToolbar({ session, item, onRenamed }: Props) {
  const running = session.events.status.value?.status === 'busy';
  return (
    <header class="nb-header">
      <div class="nb-header-top">
        <TitleField item={item} onRenamed={onRenamed} />
        <SaveStatus session={session} />
        <RuntimeIndicator session={session} />
      </div>
      <MenuBar session={session} />
      <div class="nb-toolbar" role="toolbar" aria-label="Notebook actions">
        <button type="button" class="nb-tool" aria-label="Add code cell" onClick={() => session.addCell('code')}>
          <NbIcon name="add" /> Code
        </button>
        <button type="button" class="nb-tool" aria-label="Add text cell" onClick={() => session.addCell('markdown')}>
          <NbIcon name="add" /> Text
        </button>
        <span class="nb-tool-sep" />
        <button type="button" class="nb-tool" aria-label="Run all" title="Run all cells" onClick={() => session.runAll()}>
          <NbIcon name="play" /> Run all
        </button>
        <button
          type="button"
          class="nb-tool"
          aria-label="Interrupt"
          title="Interrupt the running cell"
          disabled={!running}
          onClick={() => void session.interrupt()}
        >
          <NbIcon name="stop" /> Interrupt
        </button>
        <button
          type="button"
          class="nb-tool"
          aria-label="Restart runtime"
          title="Restart the runtime (variables are lost; files stay)"
          onClick={() => void session.restart()}
        >
          <NbIcon name="restart" /> Restart
        </button>
        <span class="nb-tool-sep" />
        <button
          type="button"
          class="nb-tool nb-tool-icon"
          aria-label="Undo cell operation"
          title="Undo cell operation"
          disabled={!session.canUndo.value}
          onClick={() => session.undoCells()}
        >
          <NbIcon name="undo" />
        </button>
        <button
          type="button"
          class="nb-tool nb-tool-icon"
          aria-label="Redo cell operation"
          title="Redo cell operation"
          disabled={!session.canRedo.value}
          onClick={() => session.redoCells()}
        >
          <NbIcon name="redo" />
        </button>
        <span class="nb-tool-sep" />
        <button
          type="button"
          class="nb-tool"
          aria-label="Download .ipynb"
          disabled={!item}
          onClick={() => item && void downloadNotebook(session, item.name)}
        >
          <NbIcon name="download" /> .ipynb
        </button>
        <button
          type="button"
          class="nb-tool"
          aria-label="Download .py"
          onClick={() => downloadPython(session, item?.name ?? 'notebook.ipynb')}
        >
          <NbIcon name="download" /> .py
        </button>
      </div>
    </header>
  );
}
