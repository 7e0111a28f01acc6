// The big "New" button: new notebook, new folder, upload files, upload a folder.

import { useRef } from 'preact/hooks';
import { createFolder } from '../api/drive';
import { createNotebook } from '../api/notebooks';
import { pickedFolderFiles } from '../lib/entries';
import { showDialog } from '../state/dialogs';
import { currentFolder, driveChanged } from '../state/drive';
import { showError } from '../state/toasts';
import { driveUrl, location, navigate } from '../state/router';
import { uploadFiles, uploadTree } from '../state/uploads';
import { Icon } from './Icon';
import { Menu } from './Menu';
import { PromptDialog } from './PromptDialog';

export function NewMenu() {
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  // Outside Drive (Trash, Admin) new things go into My Drive, which then opens.
  const target = () => {
    if (!location.value.path.startsWith('/drive')) {
      currentFolder.value = '';
      navigate(driveUrl(''));
    }
    return currentFolder.value;
  };

  const newFolder = () =>
    showDialog(
      <PromptDialog
        title="New folder"
        label="Folder name"
        initial="Untitled folder"
        submitLabel="Create"
        onSubmit={async (name) => {
          await createFolder(target(), name);
          driveChanged();
        }}
      />,
    );

  // A new notebook in the folder on screen (Colab Notebooks from elsewhere), opened at once.
  const newNotebook = async () => {
    const parent = location.value.path.startsWith('/drive') ? currentFolder.value : 'Colab Notebooks';
    try {
      const item = await createNotebook(parent);
      driveChanged();
      navigate(`/notebook/${encodeURIComponent(String(item.id))}`);
    } catch (error) {
      showError(error);
    }
  };

  return (
    <div class="new-menu">
      <Menu
        label="New"
        buttonClass="new-button"
        button={
          <>
            <Icon name="add" size={24} />
            <span>New</span>
          </>
        }
        items={[
          { label: 'New notebook', icon: 'code', onSelect: () => void newNotebook() },
          { label: 'New folder', icon: 'newFolder', onSelect: newFolder },
          { label: 'Upload files', icon: 'uploadFile', onSelect: () => filesInput.current?.click() },
          { label: 'Upload folder', icon: 'uploadFolder', onSelect: () => folderInput.current?.click() },
        ]}
      />
      <input
        ref={filesInput}
        type="file"
        multiple
        hidden
        aria-label="Files to upload"
        onChange={(event) => {
          const input = event.currentTarget;
          if (input.files?.length) uploadFiles(target(), Array.from(input.files));
          input.value = '';
        }}
      />
      <input
        ref={folderInput}
        type="file"
        hidden
        aria-label="Folder to upload"
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(event) => {
          const input = event.currentTarget;
          if (input.files?.length) void uploadTree(target(), pickedFolderFiles(input.files));
          input.value = '';
        }}
      />
    </div>
  );
}
