// Trash: restore items or delete them for good.

import { useEffect, useState } from 'preact/hooks';
import { deleteForever, emptyTrash, listTrash, restoreItem } from '../api/drive';
import type { DriveItem } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Icon, itemIcon } from '../components/Icon';
import { formatBytes, formatDate } from '../lib/format';
import { showDialog } from '../state/dialogs';
import { driveChanged, driveVersion } from '../state/drive';
import { attempt, errorText, isSignedOut, showToast } from '../state/toasts';

const folderOf = (path: string | undefined) => {
  if (!path) return 'My Drive';
  const slash = path.lastIndexOf('/');
  return slash < 0 ? 'My Drive' : path.slice(0, slash);
};

export function TrashPage() {
  const [items, setItems] = useState<DriveItem[] | null>(null);
  const [error, setError] = useState('');
  const version = driveVersion.value;

  useEffect(() => {
    document.title = 'Trash – nbcloud';
    let live = true;
    listTrash()
      .then((answer) => live && setItems(answer.items))
      .catch((failure) => live && !isSignedOut(failure) && setError(errorText(failure)));
    return () => {
      live = false;
    };
  }, [version]);

  const restore = (item: DriveItem) =>
    attempt(async () => {
      const back = await restoreItem(item.id);
      driveChanged();
      showToast(`Restored “${back.name}” to ${folderOf(back.path)}.`);
    });

  const remove = (item: DriveItem) =>
    showDialog(
      <ConfirmDialog
        title="Delete forever?"
        confirmLabel="Delete forever"
        danger
        onConfirm={async () => {
          await deleteForever(item.id);
          driveChanged();
        }}
      >
        “{item.name}” will be deleted forever. You can't undo this.
      </ConfirmDialog>,
    );

  const empty = () =>
    showDialog(
      <ConfirmDialog
        title="Empty trash?"
        confirmLabel="Empty trash"
        danger
        onConfirm={async () => {
          await emptyTrash();
          driveChanged();
        }}
      >
        All items in the trash will be deleted forever. You can't undo this.
      </ConfirmDialog>,
    );

  return (
    <main class="page" aria-label="Trash">
      <div class="page-header">
        <h1 class="page-title">Trash</h1>
        <button type="button" class="button" onClick={empty} disabled={!items?.length}>
          Empty trash
        </button>
      </div>
      {error ? (
        <p class="form-error" role="status">
          {error}
        </p>
      ) : items === null ? (
        <p class="loading" role="status">
          Loading…
        </p>
      ) : items.length === 0 ? (
        <div class="empty-state">
          <Icon name="trash" size={64} />
          <p class="empty-title">Nothing in Trash</p>
          <p class="muted">Move items you don't need to Trash; restore them from here.</p>
        </div>
      ) : (
        <table class="items">
          <thead>
            <tr>
              <th scope="col" class="col-name">
                Name
              </th>
              <th scope="col" class="col-location">
                Original location
              </th>
              <th scope="col" class="col-modified">
                Trashed
              </th>
              <th scope="col" class="col-size">
                Size
              </th>
              <th scope="col" class="col-trash-actions">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const icon = itemIcon(item);
              return (
                <tr key={String(item.id)} class="item-row">
                  <td class="col-name">
                    <span class="item-name">
                      <Icon name={icon.name} class={icon.tone} />
                      <span class="item-name-text">{item.name}</span>
                    </span>
                  </td>
                  <td class="col-location">{folderOf(item.original_path)}</td>
                  <td class="col-modified">{formatDate(item.trashed_at)}</td>
                  <td class="col-size">{item.is_folder ? '—' : formatBytes(item.size)}</td>
                  <td class="col-trash-actions">
                    <button type="button" class="button button-small" aria-label={`Restore ${item.name}`} onClick={() => restore(item)}>
                      <Icon name="restore" size={18} /> Restore
                    </button>
                    <button
                      type="button"
                      class="button button-small button-danger-text"
                      aria-label={`Delete ${item.name} forever`}
                      onClick={() => remove(item)}
                    >
                      <Icon name="trash" size={18} /> Delete forever
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </main>
  );
}
