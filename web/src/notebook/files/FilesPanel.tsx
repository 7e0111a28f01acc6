// The Files panel beside the notebook: the runtime's /content as a tree of folders (opened in
// place), uploads into any folder with progress, new folders, rename, delete, download, and the
// file viewer. It reloads after every run, since cells change files. Links (drive/MyDrive after
// drive.mount(), or any link a cell made) are shown as links and never followed.
// Opened while the notebook has no runtime, it connects one (as Colab does: connecting runs no
// notebook code) and shows the tree once the runtime status says connected.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../../api/http';
import { connectRuntime } from '../../api/notebooks';
import {
  deleteRuntimeFile,
  listRuntimeFiles,
  makeRuntimeFolder,
  renameRuntimeFile,
  runtimeFileUrl,
  type RuntimeFile,
  type RuntimeListing,
  RuntimeUploadCancelled,
  uploadRuntimeFile,
} from '../../api/runtimeFiles';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PromptDialog } from '../../components/PromptDialog';
import { formatBytes } from '../../lib/format';
import { showDialog } from '../../state/dialogs';
import { errorText } from '../../state/toasts';
import { NbIcon } from '../NbIcon';
import type { NotebookSession } from '../NotebookSession';
import './files.css';

/** The panel's own connect: none asked, waiting for the runtime, or the connect failed (Retry). */
type Connecting = { state: 'no' } | { state: 'connecting' } | { state: 'failed'; message: string };

type Folder = { state: 'loading' } | { state: 'ready'; listing: RuntimeListing } | { state: 'error'; message: string; code: string };

interface UploadRow {
  key: number;
  folder: string;
  file: File;
  loaded: number;
  /** Set when the upload failed; `exists` when the name is taken (Replace or Skip). */
  error?: string;
  exists?: boolean;
  abort: AbortController;
}

const shown = (path: string) => (path ? `/content/${path}` : '/content');
const join = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);
const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

let uploadKeys = 0;

export function FilesPanel({ session, id }: { session: NotebookSession; id?: string }) {
  const notebookId = session.id;
  const [folders, setFolders] = useState<Record<string, Folder>>({});
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [uploads, setUploads] = useState<UploadRow[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const uploadTarget = useRef('');
  const expandedRef = useRef(expanded);
  expandedRef.current = expanded;
  const [connecting, setConnecting] = useState<Connecting>({ state: 'no' });
  const connectingRef = useRef(connecting);
  connectingRef.current = connecting;
  // Connect by itself once, and only when opened here: a panel this browser remembered open
  // offers Connect instead, so opening a notebook still starts no runtime.
  const autoConnect = useRef(!session.files.restoredOpen);
  const status = session.events.status.value?.status ?? null;
  const statusRef = useRef(status);
  statusRef.current = status;

  const load = async (path: string, quiet = false) => {
    if (!quiet) setFolders((all) => ({ ...all, [path]: all[path]?.state === 'ready' ? all[path] : { state: 'loading' } }));
    try {
      const listing = await listRuntimeFiles(notebookId, path);
      setFolders((all) => ({ ...all, [path]: { state: 'ready', listing } }));
    } catch (failure) {
      const code = (failure as ApiError).code ?? '';
      if (!path && code === 'no_runtime' && autoConnect.current) {
        autoConnect.current = false;
        void connect();
        return;
      }
      if (path && code === 'not_found') {
        // The folder went away (a cell deleted it): close it.
        setExpanded((open) => new Set([...open].filter((p) => p !== path && !p.startsWith(path + '/'))));
      }
      setFolders((all) => ({ ...all, [path]: { state: 'error', message: errorText(failure), code } }));
    }
  };

  const refresh = () => {
    void load('', true);
    for (const path of expandedRef.current) void load(path, true);
  };

  const runtimeUp = (state: string | null) => state === 'idle' || state === 'busy';

  const connected = () => {
    connectingRef.current = { state: 'no' }; // at once: the POST's answer and the status may both say so
    setConnecting(connectingRef.current);
    refresh();
  };

  /** POST .../connect; the tree loads when the runtime status (the events socket) says it is up. */
  const connect = async () => {
    setConnecting({ state: 'connecting' });
    try {
      await connectRuntime(notebookId);
      if (connectingRef.current.state === 'connecting' && runtimeUp(statusRef.current)) connected();
    } catch (failure) {
      setConnecting({ state: 'failed', message: errorText(failure) });
    }
  };

  // Load at once, and again whenever the runtime settles (a run ended, the runtime connected
  // or restarted): cells change files.
  const previous = useRef<string | null>(null);
  useEffect(() => {
    if (connectingRef.current.state === 'connecting') {
      if (runtimeUp(status)) connected();
    } else if (previous.current === null || (status === 'idle' && previous.current !== 'idle')) {
      refresh();
    }
    previous.current = status ?? 'none';
  }, [status]);

  const toggle = (path: string) => {
    const next = new Set(expanded);
    if (next.has(path)) {
      next.delete(path);
    } else {
      next.add(path);
      void load(path);
    }
    setExpanded(next);
  };

  // ----- uploads --------------------------------------------------------------------------------

  const patchUpload = (key: number, change: Partial<UploadRow> | null) =>
    setUploads((rows) => (change === null ? rows.filter((r) => r.key !== key) : rows.map((r) => (r.key === key ? { ...r, ...change } : r))));

  const send = async (row: UploadRow, overwrite: boolean) => {
    patchUpload(row.key, { error: undefined, exists: false, loaded: 0 });
    try {
      await uploadRuntimeFile(notebookId, join(row.folder, row.file.name), row.file, {
        overwrite,
        signal: row.abort.signal,
        onProgress: (loaded) => patchUpload(row.key, { loaded }),
      });
      patchUpload(row.key, null);
    } catch (failure) {
      if (failure instanceof RuntimeUploadCancelled) patchUpload(row.key, null);
      else if ((failure as ApiError).code === 'name_taken') patchUpload(row.key, { exists: true });
      else patchUpload(row.key, { error: errorText(failure) });
    }
    void load(row.folder, true);
  };

  const upload = (folder: string, files: File[]) => {
    const rows = files.map((file) => ({ key: ++uploadKeys, folder, file, loaded: 0, abort: new AbortController() }));
    setUploads((all) => [...all, ...rows]);
    if (folder && !expanded.has(folder)) toggle(folder);
    // One after the other: a runtime's disk is one disk.
    void (async () => {
      for (const row of rows) await send(row, false);
    })();
  };

  const chooseFiles = (folder: string) => {
    uploadTarget.current = folder;
    picker.current?.click();
  };

  // ----- actions --------------------------------------------------------------------------------

  const newFolder = (parent: string) =>
    showDialog(
      <PromptDialog
        title={`New folder in ${shown(parent)}`}
        label="Folder name"
        initial="untitled folder"
        submitLabel="Create"
        onSubmit={async (name) => {
          await makeRuntimeFolder(notebookId, join(parent, name));
          if (parent && !expanded.has(parent)) toggle(parent);
          await load(parent, true);
        }}
      />,
    );

  const rename = (entry: RuntimeFile) =>
    showDialog(
      <PromptDialog
        title={`Rename ${entry.name}`}
        label="New name"
        initial={entry.name}
        selectStem={entry.kind === 'file'}
        submitLabel="Rename"
        onSubmit={async (name) => {
          const to = join(parentOf(entry.path), name);
          await renameRuntimeFile(notebookId, entry.path, to);
          if (entry.kind === 'folder') {
            setExpanded((open) => new Set([...open].map((p) => (p === entry.path || p.startsWith(entry.path + '/') ? to + p.slice(entry.path.length) : p))));
          }
          refresh();
        }}
      />,
    );

  const remove = (entry: RuntimeFile) =>
    showDialog(
      <ConfirmDialog
        title={`Delete ${entry.name}?`}
        confirmLabel="Delete"
        danger
        onConfirm={async () => {
          await deleteRuntimeFile(notebookId, entry.path);
          await load(parentOf(entry.path), true);
        }}
      >
        {entry.kind === 'folder' ? (
          <p>
            <code>{shown(entry.path)}</code> and everything in it will be deleted from the runtime. This cannot be undone.
          </p>
        ) : (
          <p>
            <code>{shown(entry.path)}</code> will be deleted from the runtime. This cannot be undone.
          </p>
        )}
      </ConfirmDialog>,
    );

  // ----- rendering --------------------------------------------------------------------------------

  const renderFolder = (path: string, level: number) => {
    const folder = folders[path];
    if (!folder || folder.state === 'loading') {
      return (
        <p class="nb-files-note" role="status" style={{ paddingLeft: `${level * 14 + 8}px` }}>
          Loading…
        </p>
      );
    }
    if (folder.state === 'error') {
      return (
        <p class={folder.code === 'no_runtime' ? 'nb-files-note' : 'nb-files-note form-error'} role="alert" style={{ paddingLeft: `${level * 14 + 8}px` }}>
          {folder.message}
          {!path && folder.code === 'no_runtime' && (
            <>
              {' '}
              <button type="button" class="nb-link-button" onClick={() => void connect()}>
                Connect
              </button>
            </>
          )}
        </p>
      );
    }
    const { entries, truncated } = folder.listing;
    return (
      <ul class="nb-files-list" aria-label={`Files in ${shown(path)}`}>
        {entries.length === 0 && (
          <li class="nb-files-note" style={{ paddingLeft: `${level * 14 + 8}px` }}>
            Empty folder
          </li>
        )}
        {entries.map((entry) => (
          <li key={entry.path} class="nb-file" data-kind={entry.kind}>
            <EntryRow
              entry={entry}
              level={level}
              open={expanded.has(entry.path)}
              onToggle={() => toggle(entry.path)}
              onView={() => session.files.view('runtime', entry.path)}
              onUpload={() => chooseFiles(entry.path)}
              onNewFolder={() => newFolder(entry.path)}
              onRename={() => rename(entry)}
              onDelete={() => remove(entry)}
              downloadUrl={runtimeFileUrl(notebookId, entry.path, true)}
            />
            {entry.kind === 'folder' && expanded.has(entry.path) && renderFolder(entry.path, level + 1)}
          </li>
        ))}
        {truncated && <li class="nb-files-note">Only the first 5000 entries are shown. Use a cell (!ls) for the rest.</li>}
      </ul>
    );
  };

  return (
    <aside
      id={id}
      class={dragging ? 'nb-files nb-files-drop' : 'nb-files'}
      aria-label="Files"
      onDragOver={(event) => {
        if (!event.dataTransfer?.types.includes('Files')) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        const files = Array.from(event.dataTransfer?.files ?? []);
        if (files.length) upload('', files);
      }}
    >
      <div class="nb-files-head">
        <h2 class="nb-files-title">Files</h2>
        <div class="nb-files-tools" role="toolbar" aria-label="File actions">
          <button type="button" class="nb-icon-button" aria-label="Upload to /content" title="Upload to /content" onClick={() => chooseFiles('')}>
            <NbIcon name="upload" />
          </button>
          <button type="button" class="nb-icon-button" aria-label="New folder" title="New folder in /content" onClick={() => newFolder('')}>
            <NbIcon name="newFolder" />
          </button>
          <button type="button" class="nb-icon-button" aria-label="Refresh" title="Refresh" onClick={refresh}>
            <NbIcon name="refresh" />
          </button>
          <button type="button" class="nb-icon-button" aria-label="Close files panel" title="Close" onClick={() => session.files.setPanelOpen(false)}>
            <NbIcon name="close" />
          </button>
        </div>
      </div>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        aria-label="Choose files to upload"
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = '';
          if (files.length) upload(uploadTarget.current, files);
        }}
      />
      {uploads.length > 0 && (
        <ul class="nb-files-uploads" aria-label="Uploads">
          {uploads.map((row) => (
            <li key={row.key} class="nb-files-upload">
              <span class="nb-files-upload-name">
                {row.file.name} → {shown(row.folder)}
              </span>
              {row.exists ? (
                <span class="nb-files-upload-ask" role="alert">
                  {row.file.name} already exists.{' '}
                  <button type="button" class="nb-link-button" onClick={() => void send(row, true)}>
                    Replace
                  </button>{' '}
                  <button type="button" class="nb-link-button" onClick={() => patchUpload(row.key, null)}>
                    Skip
                  </button>
                </span>
              ) : row.error ? (
                <span class="form-error" role="alert">
                  {row.error}{' '}
                  <button type="button" class="nb-link-button" onClick={() => patchUpload(row.key, null)}>
                    Dismiss
                  </button>
                </span>
              ) : (
                <>
                  <progress aria-label={`Uploading ${row.file.name}`} max={Math.max(row.file.size, 1)} value={row.loaded} />
                  <span class="nb-files-upload-size">
                    {formatBytes(row.loaded)} / {formatBytes(row.file.size)}
                  </span>
                  <button type="button" class="nb-link-button" aria-label={`Cancel upload of ${row.file.name}`} onClick={() => row.abort.abort()}>
                    Cancel
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <div class="nb-files-tree">
        <p class="nb-files-root">
          <NbIcon name="folder" size={18} /> /content
        </p>
        {connecting.state === 'connecting' ? (
          <p class="nb-files-note" role="status">
            Connecting to a runtime to enable file browsing.
          </p>
        ) : connecting.state === 'failed' ? (
          <p class="nb-files-note form-error" role="alert">
            {connecting.message}{' '}
            <button type="button" class="nb-link-button" onClick={() => void connect()}>
              Retry
            </button>
          </p>
        ) : (
          renderFolder('', 0)
        )}
      </div>
      <p class="nb-files-foot">Files in the runtime are deleted when the runtime is deleted. Keep what matters in your Drive.</p>
    </aside>
  );
}

interface RowProps {
  entry: RuntimeFile;
  level: number;
  open: boolean;
  onToggle: () => void;
  onView: () => void;
  onUpload: () => void;
  onNewFolder: () => void;
  onRename: () => void;
  onDelete: () => void;
  downloadUrl: string;
}

function EntryRow({ entry, level, open, onToggle, onView, onUpload, onNewFolder, onRename, onDelete, downloadUrl }: RowProps) {
  const indent = { paddingLeft: `${level * 14 + 4}px` };
  if (entry.kind === 'link') {
    return (
      <div class="nb-file-row" style={indent}>
        <span class="nb-file-main nb-file-link">
          <NbIcon name="link" size={18} />
          {entry.drive ? (
            <a href="/drive" target="_blank" rel="noopener" aria-label={`${entry.name}: your Drive (opens the Drive page)`}>
              {entry.name}
            </a>
          ) : (
            <span title={`A link to ${entry.target ?? '?'}; the Files panel does not follow links.`}>
              {entry.name} <span class="nb-file-meta">→ {entry.target}</span>
            </span>
          )}
        </span>
      </div>
    );
  }
  if (entry.kind === 'other') {
    return (
      <div class="nb-file-row" style={indent}>
        <span class="nb-file-main nb-file-other" title="Not a regular file (a pipe, socket or device)">
          <NbIcon name="file" size={18} />
          {entry.name}
        </span>
      </div>
    );
  }
  const folder = entry.kind === 'folder';
  return (
    <div class="nb-file-row" style={indent}>
      {folder ? (
        <button type="button" class="nb-file-main" aria-expanded={open} aria-label={`Folder ${entry.path}`} onClick={onToggle}>
          <NbIcon name={open ? 'chevronDown' : 'chevronRight'} size={18} />
          <NbIcon name="folder" size={18} />
          <span class="nb-file-name">{entry.name}</span>
        </button>
      ) : (
        <button type="button" class="nb-file-main" aria-label={`Open ${entry.path}`} title={`${entry.name} (${formatBytes(entry.size)})`} onClick={onView}>
          <span class="nb-file-spacer" />
          <NbIcon name="file" size={18} />
          <span class="nb-file-name">{entry.name}</span>
          <span class="nb-file-meta">{formatBytes(entry.size)}</span>
        </button>
      )}
      <span class="nb-file-actions">
        {folder ? (
          <>
            <button type="button" class="nb-icon-button" aria-label={`Upload to /content/${entry.path}`} title="Upload here" onClick={onUpload}>
              <NbIcon name="upload" size={18} />
            </button>
            <button type="button" class="nb-icon-button" aria-label={`New folder in /content/${entry.path}`} title="New folder here" onClick={onNewFolder}>
              <NbIcon name="newFolder" size={18} />
            </button>
          </>
        ) : (
          <a class="nb-icon-button" href={downloadUrl} download={entry.name} aria-label={`Download ${entry.path}`} title="Download">
            <NbIcon name="download" size={18} />
          </a>
        )}
        <button type="button" class="nb-icon-button" aria-label={`Rename ${entry.path}`} title="Rename" onClick={onRename}>
          <NbIcon name="edit" size={18} />
        </button>
        <button type="button" class="nb-icon-button" aria-label={`Delete ${entry.path}`} title="Delete" onClick={onDelete}>
          <NbIcon name="delete" size={18} />
        </button>
      </span>
    </div>
  );
}
