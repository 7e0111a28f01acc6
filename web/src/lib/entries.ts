// Files from a drop (folders walked through webkitGetAsEntry) or a webkitdirectory picker.

import type { FileInFolder } from '../state/uploads';

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, dir: string, out: FileInFolder[]): Promise<void> {
  if (entry.isFile) {
    out.push({ dir, file: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    const here = dir ? `${dir}/${entry.name}` : entry.name;
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    if (!children.length) out.push({ dir: here, file: null });
    for (const child of children) await walk(child, here, out);
  }
}

/** Everything dropped, with folders walked; empty folders appear with a null file. */
export async function droppedFiles(transfer: DataTransfer): Promise<FileInFolder[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (!entries.length && !loose.length) return Array.from(transfer.files).map((file) => ({ dir: '', file }));
  const out: FileInFolder[] = loose.map((file) => ({ dir: '', file }));
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

/** Files from <input webkitdirectory>: their folder is webkitRelativePath minus the name. */
export function pickedFolderFiles(files: FileList): FileInFolder[] {
  return Array.from(files).map((file) => {
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.lastIndexOf('/');
    return { dir: slash < 0 ? '' : relative.slice(0, slash), file };
  });
}
