// What a cell's Colab requests show under its outputs: the files.upload picker (with progress),
// the drive.mount consent dialog, and a running shell command's input box. (files.view opens the
// file viewer: see notebook/files.)

import { useState } from 'preact/hooks';
import { Dialog } from '../../components/Dialog';
import type { ColabBridge, ColabPrompt } from './bridge';
import { readBase64 } from './bytes';
import { ShellInput } from './ShellInput';
import './colab.css';

export function ColabPrompts({ bridge, cellId }: { bridge: ColabBridge; cellId: string }) {
  const prompts = bridge.prompts.value.filter((p) => p.cellId === cellId);
  const box = bridge.stdin.box.value;
  const stdin = box && box.cellId === cellId ? box : null;
  if (!prompts.length && !stdin) return null;
  return (
    <div class="colab-prompts">
      {prompts.map((prompt) => (
        <PromptView key={prompt.requestId} bridge={bridge} prompt={prompt} />
      ))}
      {stdin && <ShellInput key={stdin.requestId} stdin={bridge.stdin} box={stdin} />}
    </div>
  );
}

function PromptView({ bridge, prompt }: { bridge: ColabBridge; prompt: ColabPrompt }) {
  if (prompt.type === 'files_upload') return <UploadPicker bridge={bridge} prompt={prompt} />;
  return <DriveConsent bridge={bridge} prompt={prompt} />;
}

function UploadPicker({ bridge, prompt }: { bridge: ColabBridge; prompt: ColabPrompt }) {
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState('');

  const send = async (files: File[]) => {
    const total = files.reduce((sum, f) => sum + f.size, 0);
    let before = 0;
    setProgress({ loaded: 0, total });
    try {
      const encoded = [];
      for (const file of files) {
        const data = await readBase64(file, (loaded) => setProgress({ loaded: before + loaded, total }));
        before += file.size;
        encoded.push({ name: file.name, data });
      }
      bridge.reply(prompt.requestId, { files: encoded });
    } catch (failure) {
      setProgress(null);
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <div class="colab-upload" role="group" aria-label="Upload files">
      <label class="colab-upload-pick">
        <span>Choose files</span>
        <input
          type="file"
          aria-label="Choose files"
          multiple={prompt.request.multiple !== false}
          disabled={progress !== null}
          onChange={(event) => {
            const files = Array.from(event.currentTarget.files ?? []);
            if (files.length) void send(files);
          }}
        />
      </label>
      <button
        type="button"
        class="button"
        disabled={progress !== null}
        onClick={() => bridge.reply(prompt.requestId, { files: [] })}
      >
        Cancel upload
      </button>
      {progress && (
        <progress aria-label="Upload progress" max={Math.max(progress.total, 1)} value={progress.loaded} />
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function DriveConsent({ bridge, prompt }: { bridge: ColabBridge; prompt: ColabPrompt }) {
  const refuse = () => bridge.reply(prompt.requestId, { consent: false });
  const readonly = prompt.request.readonly === true;
  return (
    <Dialog title="Permit this notebook to access your nbcloud Drive files?" onClose={refuse}>
      <div class="stack">
        <p class="dialog-message">
          This notebook is requesting access to your nbcloud Drive files. Code in the notebook will be able to
          {readonly ? ' read' : ' read, change and delete'} your Drive files at{' '}
          <code>{String(prompt.request.mountpoint || '/content/drive')}/MyDrive</code> until the runtime ends. Only
          connect notebooks you trust.
        </p>
        <div class="dialog-actions">
          <button type="button" class="button" onClick={refuse}>
            No thanks
          </button>
          <button type="button" class="button button-primary" onClick={() => bridge.reply(prompt.requestId, { consent: true })}>
            Connect to nbcloud Drive
          </button>
        </div>
      </div>
    </Dialog>
  );
}
