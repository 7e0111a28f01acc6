// My Drive: breadcrumbs, the folder's items, drop-to-upload.

import { useEffect, useState } from 'preact/hooks';
import { contentUrl, listFolder } from '../api/drive';
import type { DriveItem, FolderListing, SortKey, SortOrder } from '../api/types';
import { Breadcrumbs } from '../components/Breadcrumbs';
import { Icon } from '../components/Icon';
import { ItemTable } from '../components/ItemTable';
import { Link } from '../components/Link';
import { droppedFiles } from '../lib/entries';
import { currentFolder, driveVersion } from '../state/drive';
import { drivePathFrom, driveUrl, location, navigate } from '../state/router';
import { errorText, isSignedOut, showError } from '../state/toasts';
import { uploadTree } from '../state/uploads';

/** Opens a Drive item: a folder in Drive, a notebook in the editor, any other file in a new tab. */
export function openItem(item: DriveItem): void {
  if (item.is_folder) navigate(driveUrl(item.path));
  else if (item.name.toLowerCase().endsWith('.ipynb')) navigate(`/notebook/${encodeURIComponent(String(item.id))}`);
  else window.open(contentUrl(item.id), '_blank', 'noopener');
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

export function DrivePage() {
  const path = drivePathFrom(location.value.path);
  const [sort, setSort] = useState<SortKey>('name');
  const [order, setOrder] = useState<SortOrder>('asc');
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState('');
  const [dragging, setDragging] = useState(false);
  const version = driveVersion.value;

  useEffect(() => {
    currentFolder.value = path;
  }, [path]);

  useEffect(() => {
    let live = true;
    setError('');
    listFolder(path, sort, order)
      .then((answer) => {
        if (live) setListing(answer);
      })
      .catch((failure) => {
        if (!live || isSignedOut(failure)) return;
        setListing(null);
        setError(errorText(failure));
      });
    return () => {
      live = false;
    };
  }, [path, sort, order, version]);

  const shown = listing && listing.path === path ? listing : null;
  const folderName = shown?.breadcrumbs.at(-1)?.name || (path ? path.split('/').at(-1) : 'My Drive');

  useEffect(() => {
    document.title = `${folderName} – nbcloud`;
  }, [folderName]);

  const onDrop = async (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    setDragging(false);
    try {
      const files = await droppedFiles(event.dataTransfer!);
      await uploadTree(path, files);
    } catch (failure) {
      showError(failure);
    }
  };

  return (
    <main
      class={dragging ? 'page drive-page drive-page-dragging' : 'page drive-page'}
      aria-label="My Drive"
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.relatedTarget || !(event.currentTarget as Node).contains(event.relatedTarget as Node)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div class="page-header">
        <Breadcrumbs crumbs={shown?.breadcrumbs ?? (path ? [] : [{ name: 'My Drive', path: '' }])} />
      </div>
      {error ? (
        <div class="empty-state" role="status">
          <Icon name="error" size={48} />
          <p>{error}</p>
          <Link href="/drive" class="button">
            Go to My Drive
          </Link>
        </div>
      ) : !shown ? (
        <p class="loading" role="status">
          Loading…
        </p>
      ) : shown.items.length === 0 ? (
        <div class="empty-state">
          <Icon name="uploadFolder" size={64} />
          <p class="empty-title">Drop files here</p>
          <p class="muted">or use the “New” button.</p>
        </div>
      ) : (
        <ItemTable
          items={shown.items}
          sort={sort}
          order={order}
          onSort={(key, direction) => {
            setSort(key);
            setOrder(direction);
          }}
          onOpen={openItem}
        />
      )}
      {dragging && (
        <div class="drop-overlay" aria-hidden="true">
          <Icon name="uploadFile" size={40} />
          <p>Drop files to upload them to “{folderName}”</p>
        </div>
      )}
    </main>
  );
}
