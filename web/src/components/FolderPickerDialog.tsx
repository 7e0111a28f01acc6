// "Move to…": browse folders and pick where an item goes.

import { useEffect, useState } from 'preact/hooks';
import { listFolder } from '../api/drive';
import type { Breadcrumb, DriveItem } from '../api/types';
import { closeDialog } from '../state/dialogs';
import { errorText, isSignedOut } from '../state/toasts';
import { Dialog } from './Dialog';
import { Icon } from './Icon';

interface Props {
  item: DriveItem;
  /** Where browsing starts. */
  start: string;
  onPick: (folder: string) => Promise<unknown>;
}

const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

export function FolderPickerDialog({ item, start, onPick }: Props) {
  const [path, setPath] = useState(start);
  const [folders, setFolders] = useState<DriveItem[] | null>(null);
  const [crumbs, setCrumbs] = useState<Breadcrumb[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setFolders(null);
    listFolder(path)
      .then((listing) => {
        if (!live) return;
        setFolders(listing.items.filter((entry) => entry.is_folder));
        setCrumbs(listing.breadcrumbs);
      })
      .catch((failure) => live && setError(errorText(failure)));
    return () => {
      live = false;
    };
  }, [path]);

  const trail = crumbs.length && crumbs[0].path === '' ? crumbs : [{ name: 'My Drive', path: '' }, ...crumbs];
  const inside = (folder: string) => folder === item.path || folder.startsWith(`${item.path}/`);
  const here = parentOf(item.path) === path;

  const move = async () => {
    setBusy(true);
    setError('');
    try {
      await onPick(path);
      closeDialog();
    } catch (failure) {
      if (isSignedOut(failure)) closeDialog();
      else setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Move “${item.name}”`} onClose={closeDialog} wide>
      <div class="stack">
        <nav class="picker-crumbs" aria-label="Folder path">
          {trail.map((crumb, index) => (
            <span key={crumb.path} class="picker-crumb">
              {index > 0 && <Icon name="chevronRight" size={16} />}
              <button type="button" class="link-button" onClick={() => setPath(crumb.path)}>
                {crumb.name}
              </button>
            </span>
          ))}
        </nav>
        <ul class="picker-list" aria-label="Folders">
          {folders === null && <li class="muted">Loading…</li>}
          {folders?.length === 0 && <li class="muted">No folders here.</li>}
          {folders?.map((folder) => (
            <li key={String(folder.id)}>
              <button
                type="button"
                class="picker-folder"
                disabled={inside(folder.path)}
                aria-label={`Open folder ${folder.name}`}
                onClick={() => setPath(folder.path)}
              >
                <Icon name="folder" class="tone-folder" />
                <span>{folder.name}</span>
              </button>
            </li>
          ))}
        </ul>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="button" class="button button-primary" onClick={move} disabled={busy || here || inside(path)}>
            Move here
          </button>
        </div>
      </div>
    </Dialog>
  );
}
