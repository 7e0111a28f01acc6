// The file viewer: a file of the runtime's /content (from the Files panel or files.view in a
// cell) or of the person's Drive (files.view on /content/drive/MyDrive/...). Text shows as text
// (the first MB only), images as images, CSV and TSV as a table; anything else offers a download.

import { useEffect, useState } from 'preact/hooks';
import { readFileStart, runtimeFileUrl } from '../../api/runtimeFiles';
import { Dialog } from '../../components/Dialog';
import { formatBytes } from '../../lib/format';
import { errorText } from '../../state/toasts';
import { parseCsv, type CsvTable } from './csv';
import type { ViewTarget } from './state';

/** How much of a file the viewer reads. */
export const VIEW_LIMIT_BYTES = 1024 * 1024;
const IMAGE = /\.(png|jpe?g|gif|webp|bmp|avif|ico|svg)$/i;
const TABLE = /\.(csv|tsv)$/i;

type Loaded =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'binary'; size: number }
  | { kind: 'text'; text: string; size: number; cut: boolean }
  | { kind: 'table'; table: CsvTable; size: number; cut: boolean; text: string };

export function contentUrl(notebookId: string, target: ViewTarget, download = false): string {
  if (target.source === 'drive') {
    return `/api/drive/items/${encodeURIComponent(target.itemId ?? '')}/content${download ? '?download=1' : ''}`;
  }
  return runtimeFileUrl(notebookId, target.path, download);
}

export function shownPath(target: ViewTarget): string {
  return target.source === 'drive' ? `/content/drive/MyDrive/${target.path}` : `/content/${target.path}`;
}

function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8000);
  return head.includes(0);
}

export function FileViewer({ notebookId, target, onClose }: { notebookId: string; target: ViewTarget; onClose: () => void }) {
  const name = target.path.split('/').pop() || target.path;
  const image = IMAGE.test(name);
  const table = TABLE.test(name);
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [asText, setAsText] = useState(false);
  const [imageFailed, setImageFailed] = useState(false);

  useEffect(() => {
    setAsText(false);
    setImageFailed(false);
    if (image) return;
    let live = true;
    setLoaded({ kind: 'loading' });
    readFileStart(contentUrl(notebookId, target), VIEW_LIMIT_BYTES).then(
      ({ bytes, size }) => {
        if (!live) return;
        if (looksBinary(bytes)) {
          setLoaded({ kind: 'binary', size });
          return;
        }
        const cut = size > bytes.length;
        let text = new TextDecoder('utf-8').decode(bytes);
        if (cut && text.endsWith('\uFFFD')) text = text.slice(0, -1); // a character cut in two
        if (table) {
          // A cut file ends mid-row: drop the partial last line.
          const whole = cut ? text.slice(0, Math.max(0, text.lastIndexOf('\n'))) : text;
          const parsed = parseCsv(whole, 500, name.toLowerCase().endsWith('.tsv') ? '\t' : ',');
          setLoaded({ kind: 'table', table: parsed, size, cut, text });
        } else {
          setLoaded({ kind: 'text', text, size, cut });
        }
      },
      (error: unknown) => live && setLoaded({ kind: 'error', message: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [notebookId, target.source, target.path, target.itemId, target.seq]);

  return (
    <Dialog title={name} onClose={onClose} wide className="nb-viewer-dialog">
      <div class="nb-viewer">
        <p class="nb-viewer-path">
          <code>{shownPath(target)}</code>
        </p>
        <div class="nb-viewer-body" role="region" aria-label={`Contents of ${name}`}>
          {image ? (
            imageFailed ? (
              <p role="alert">This image cannot be shown. Download it to open it on your computer.</p>
            ) : (
              <img class="nb-viewer-image" src={contentUrl(notebookId, target)} alt={name} onError={() => setImageFailed(true)} />
            )
          ) : loaded.kind === 'loading' ? (
            <p role="status">Loading {name}…</p>
          ) : loaded.kind === 'error' ? (
            <p class="form-error" role="alert">
              {loaded.message}
            </p>
          ) : loaded.kind === 'binary' ? (
            <p>
              {name} is a binary file ({formatBytes(loaded.size)}); there is no preview. Download it to open it on your
              computer.
            </p>
          ) : loaded.kind === 'table' && !asText ? (
            <TableView table={loaded.table} name={name} />
          ) : (
            <pre class="nb-viewer-text" aria-label={`Text of ${name}`}>
              {loaded.text}
            </pre>
          )}
          {(loaded.kind === 'text' || loaded.kind === 'table') && loaded.cut && (
            <p class="nb-viewer-note">
              Showing the first {formatBytes(VIEW_LIMIT_BYTES)} of {formatBytes(loaded.size)}. Download the file to see all
              of it.
            </p>
          )}
        </div>
        <div class="dialog-actions">
          {loaded.kind === 'table' && (
            <button type="button" class="button" onClick={() => setAsText(!asText)}>
              {asText ? 'Show as table' : 'Show as text'}
            </button>
          )}
          <a class="button" href={contentUrl(notebookId, target, true)} download={name} aria-label={`Download ${name}`}>
            Download
          </a>
          <button type="button" class="button button-primary" onClick={onClose} aria-label="Close viewer">
            Close
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function TableView({ table, name }: { table: CsvTable; name: string }) {
  const [head, ...rows] = table.rows;
  if (!head) return <p>{name} is empty.</p>;
  return (
    <div class="nb-viewer-table-wrap">
      <table class="nb-viewer-table" aria-label={`Table of ${name}`}>
        <thead>
          <tr>
            {head.map((cell, i) => (
              <th key={i} scope="col">
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.more && <p class="nb-viewer-note">Showing the first {table.rows.length - 1} rows.</p>}
    </div>
  );
}
