// The Uploads panel in the corner: one row per file with its progress and a Cancel button.

import { formatBytes, formatPercent } from '../lib/format';
import { cancelUploadEntry, clearFinishedUploads, uploads, uploadsPanelMinimized, uploadsPanelOpen, type UploadEntry } from '../state/uploads';
import { Icon } from './Icon';

function UploadRow({ entry }: { entry: UploadEntry }) {
  const state = entry.state.value;
  const loaded = entry.loaded.value;
  const active = state === 'queued' || state === 'uploading';
  return (
    <li class={`upload upload-${state}`}>
      <div class="upload-line">
        <span class="upload-name" title={entry.name}>
          {entry.name}
        </span>
        {active ? (
          <button
            type="button"
            class="link-button"
            aria-label={`Cancel upload of ${entry.name}`}
            onClick={() => cancelUploadEntry(entry)}
          >
            Cancel
          </button>
        ) : state === 'done' ? (
          <span class="upload-status upload-status-done">
            <Icon name="done" size={18} /> Done
          </span>
        ) : state === 'cancelled' ? (
          <span class="upload-status">Cancelled</span>
        ) : (
          <span class="upload-status upload-status-error">
            <Icon name="error" size={18} /> Failed
          </span>
        )}
      </div>
      <progress aria-label={`Uploading ${entry.name}`} max={Math.max(entry.size, 1)} value={entry.size ? loaded : state === 'done' ? 1 : 0} />
      <div class="upload-detail">
        {state === 'error' ? (
          <span class="upload-error">{entry.error.value}</span>
        ) : (
          <span>
            {state === 'queued' ? 'Waiting… ' : ''}
            {formatPercent(loaded, entry.size)} · {formatBytes(loaded)} of {formatBytes(entry.size)}
          </span>
        )}
      </div>
    </li>
  );
}

export function UploadPanel() {
  const entries = uploads.value;
  if (!entries.length || !uploadsPanelOpen.value) return null;
  const running = entries.filter((entry) => entry.state.value === 'queued' || entry.state.value === 'uploading').length;
  const minimized = uploadsPanelMinimized.value;
  const heading = running ? `Uploading ${running} ${running === 1 ? 'item' : 'items'}` : 'Uploads complete';
  return (
    <section class="upload-panel" role="region" aria-label="Uploads">
      <header class="upload-panel-header">
        <h2>{heading}</h2>
        <div class="upload-panel-buttons">
          <button
            type="button"
            class="icon-button icon-button-light"
            aria-label={minimized ? 'Expand uploads' : 'Minimize uploads'}
            aria-expanded={!minimized}
            onClick={() => {
              uploadsPanelMinimized.value = !minimized;
            }}
          >
            <Icon name="chevronDown" class={minimized ? 'flip' : ''} />
          </button>
          {!running && (
            <button type="button" class="icon-button icon-button-light" aria-label="Close uploads" onClick={clearFinishedUploads}>
              <Icon name="close" />
            </button>
          )}
        </div>
      </header>
      {!minimized && (
        <ul class="upload-list">
          {entries.map((entry) => (
            <UploadRow key={entry.key} entry={entry} />
          ))}
        </ul>
      )}
    </section>
  );
}
