// PNG, JPEG and GIF outputs: base64 data: URLs drawn directly in the page (the page's policy
// allows data: images; an image cannot run script).

function size(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number.parseFloat(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

export interface ImageOutputProps {
  mime: string;
  /** Base64, maybe broken into lines (nbformat allows that). */
  data: string;
  /** The output's metadata for this MIME: `width`, `height`, `unconfined`. */
  metadata: Record<string, unknown>;
}

export function ImageOutput({ mime, data, metadata }: ImageOutputProps) {
  const width = size(metadata.width);
  const height = size(metadata.height);
  const src = `data:${mime};base64,${data.replace(/\s+/g, '')}`;
  return (
    <div class="output-image">
      <img
        src={src}
        alt="Image output"
        width={width}
        height={height}
        class={metadata.unconfined ? 'unconfined' : undefined}
      />
    </div>
  );
}
