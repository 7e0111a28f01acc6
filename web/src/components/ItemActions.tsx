// The ⋮ menu on each Drive row: Open, Download, Rename, Move to…, Move to trash.

import { contentUrl, moveItem, renameItem, trashItem } from '../api/drive';
import type { DriveItem } from '../api/types';
import { showDialog } from '../state/dialogs';
import { driveChanged } from '../state/drive';
import { attempt, showToast } from '../state/toasts';
import { FolderPickerDialog } from './FolderPickerDialog';
import { Icon } from './Icon';
import { Menu, type MenuItem } from './Menu';
import { PromptDialog } from './PromptDialog';

/** Starts a browser download of a Drive file. */
export function downloadItem(item: DriveItem): void {
  const link = document.createElement('a');
  link.href = contentUrl(item.id, true);
  link.download = item.name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

export function ItemActions({ item, onOpen }: { item: DriveItem; onOpen: (item: DriveItem) => void }) {
  const items: MenuItem[] = [{ label: 'Open', icon: 'open', onSelect: () => onOpen(item) }];
  if (!item.is_folder) items.push({ label: 'Download', icon: 'download', onSelect: () => downloadItem(item) });
  items.push(
    {
      label: 'Rename',
      icon: 'edit',
      onSelect: () =>
        showDialog(
          <PromptDialog
            title="Rename"
            label="New name"
            initial={item.name}
            submitLabel="Rename"
            selectStem={!item.is_folder}
            onSubmit={async (name) => {
              if (name !== item.name) await renameItem(item.id, name);
              driveChanged();
            }}
          />,
        ),
    },
    {
      label: 'Move to…',
      icon: 'move',
      onSelect: () =>
        showDialog(
          <FolderPickerDialog
            item={item}
            start={parentOf(item.path)}
            onPick={async (folder) => {
              await moveItem(item.id, folder);
              driveChanged();
              showToast(`Moved “${item.name}” to ${folder || 'My Drive'}.`);
            }}
          />,
        ),
    },
    {
      label: 'Move to trash',
      icon: 'trash',
      danger: true,
      onSelect: () =>
        void attempt(async () => {
          await trashItem(item.id);
          driveChanged();
          showToast(`“${item.name}” moved to Trash.`);
        }),
    },
  );
  return <Menu label={`Actions for ${item.name}`} button={<Icon name="more" />} items={items} align="right" />;
}
