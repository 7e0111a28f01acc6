// PNG, JPEG and GIF outputs: base64 data: URLs drawn directly in the page (the page's policy
// allows data: images; an image cannot run script). A PNG's or GIF's size is read from its
// header, so its box has its height before the picture is decoded (off the main thread): a
// notebook with many pictures does not shift as they come in.

function size(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number.parseFloat(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Width and height from a PNG's IHDR or a GIF's screen descriptor, or null. */
export function imageSize(mime: string, base64: string): { width: number; height: number } | null {
  let bytes: string;
  try {
    bytes = atob(base64.slice(0, 32)); // 24 bytes
  } catch {
    return null;
  }
  const at = (i: number) => bytes.charCodeAt(i);
  if (mime === 'image/png' && bytes.startsWith('\x89PNG\r\n\x1a\n') && bytes.slice(12, 16) === 'IHDR') {
    const u32 = (i: number) => ((at(i) << 24) | (at(i + 1) << 16) | (at(i + 2) << 8) | at(i + 3)) >>> 0;
    const width = u32(16);
    const height = u32(20);
    return width > 0 && height > 0 ? { width, height } : null;
  }
  if (mime === 'image/gif' && bytes.startsWith('GIF8')) {
    const width = at(6) | (at(7) << 8);
    const height = at(8) | (at(9) << 8);
    return width > 0 && height > 0 ? { width, height } : null;
  }
  return null;
}

export interface ImageOutputProps {
  mime: string;
  /** Base64, maybe broken into lines (nbformat allows that). */
  data: string;
  /** The output's metadata for this MIME: `width`, `height`, `unconfined`. */
  metadata: Record<string, unknown>;
}

export function ImageOutput({ mime, data, metadata }: ImageOutputProps) {
  let width = size(metadata.width);
  let height = size(metadata.height);
  const base64 = data.replace(/\s+/g, '');
  if (width === undefined && height === undefined) {
    const natural = imageSize(mime, base64);
    width = natural?.width;
    height = natural?.height;
  }
  const src = `data:${mime};base64,${base64}`;
  return (
    <div class="output-image">
      <img
        src={src}
        alt="Image output"
        width={width}
        height={height}
        decoding="async"
        class={metadata.unconfined ? 'unconfined' : undefined}
      />
    </div>
  );
}
