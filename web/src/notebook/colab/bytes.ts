// Files as base64 (how Colab requests carry them) and back, and saving bytes as a download.

/** Reads a file as base64, reporting how many bytes were read so far. */
export function readBase64(file: File, onProgress: (loaded: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => onProgress(event.loaded);
    reader.onerror = () => reject(new Error(`Could not read ${file.name}. Pick it again.`));
    reader.onload = () => {
      onProgress(file.size);
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

/** Decodes base64 in slices, so a large file does not need one huge intermediate string. */
export function decodeBase64(data: string): Uint8Array<ArrayBuffer> {
  const clean = data.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - padding);
  const SLICE = 4 * 65536;
  let at = 0;
  for (let start = 0; start < clean.length; start += SLICE) {
    const binary = atob(clean.slice(start, start + SLICE));
    for (let i = 0; i < binary.length; i++) out[at++] = binary.charCodeAt(i);
  }
  return out;
}

/** Saves bytes as a browser download named `name`. */
export function saveDownload(name: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name || 'download';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the URL by now; keep it a little longer for slow starts.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
