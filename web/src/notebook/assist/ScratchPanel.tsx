// The scratch cell (right side panel, Ctrl+Alt+N): code run in the notebook's runtime (it sees
// the notebook's variables) whose source and outputs are kept only in this page: a local Y.Text
// in a Y.Doc of its own, never in the notebook, never saved.

import { closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { drawSelection, EditorView, keymap, placeholder } from '@codemirror/view';
import { type Signal, signal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import * as Y from 'yjs';
import type { NotebookSession } from '../NotebookSession';
import { OutputArea } from '../outputs/OutputArea';
import { PanelFrame } from '../panels/PanelFrame';
import { editorSettings } from '../settings/editorSettings';
import type { Output, StreamOutput } from '../types';
import { joinText } from '../types';
import { pythonAssist } from './extensions';

export const SCRATCH_PANEL = 'scratch';

interface Scratch {
  /** Its own document: nothing here reaches the notebook's. */
  doc: Y.Doc;
  text: Y.Text;
  outputs: Signal<Output[]>;
  running: Signal<boolean>;
  message: Signal<string>;
}

// One scratch cell per open notebook, kept while the page lives (closing the panel keeps it).
const scratches = new WeakMap<NotebookSession, Scratch>();

function scratchOf(session: NotebookSession): Scratch {
  let scratch = scratches.get(session);
  if (!scratch) {
    const doc = new Y.Doc();
    scratch = { doc, text: doc.getText('source'), outputs: signal<Output[]>([]), running: signal(false), message: signal('') };
    scratches.set(session, scratch);
  }
  return scratch;
}

/** Appends `output`, joining a stream's text to the stream right before it (as cells show it). */
function appendOutput(outputs: Output[], output: Output): Output[] {
  const last = outputs[outputs.length - 1];
  if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name && !last.nbcloud_kept) {
    const joined: StreamOutput = { ...last, text: joinText(last.text) + joinText(output.text) };
    return [...outputs.slice(0, -1), joined];
  }
  return [...outputs, output];
}

async function run(session: NotebookSession, scratch: Scratch): Promise<void> {
  if (scratch.running.value) return;
  const code = scratch.text.toString();
  if (!code.trim()) return;
  scratch.running.value = true;
  scratch.outputs.value = [];
  scratch.message.value = 'Running…';
  try {
    const reply = await session.events.scratch(code, (output) => {
      scratch.outputs.value = appendOutput(scratch.outputs.value, output);
    });
    if (reply.status === 'ok') scratch.message.value = '';
    else if (reply.status === 'aborted') scratch.message.value = `Stopped: ${reply.error ?? 'the run was aborted'}.`;
    else if (reply.error) scratch.message.value = `Could not run: ${reply.error}.`;
    else scratch.message.value = '';
  } finally {
    scratch.running.value = false;
  }
}

export function ScratchPanel({ session }: { session: NotebookSession }) {
  const scratch = scratchOf(session);
  const host = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (!host.current) return;
    const undoManager = new Y.UndoManager(scratch.text);
    const runKey = () => (void run(session, scratch), true);
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: scratch.text.toString(),
        extensions: [
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: runKey }, { key: 'Shift-Enter', run: runKey }])),
          pythonAssist(session),
          // The person's editor settings and the theme's colors, as in cells.
          editorSettings('python'),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          EditorState.tabSize.of(4),
          python(),
          keymap.of([...closeBracketsKeymap, ...yUndoManagerKeymap, ...completionKeymap, ...defaultKeymap, indentWithTab]),
          yCollab(scratch.text, null, { undoManager }),
          EditorView.contentAttributes.of({ 'aria-label': 'Scratch code' }),
          placeholder('Code to try out (not saved)'),
        ],
      }),
    });
    view.focus();
    return () => {
      view.destroy();
      undoManager.destroy();
    };
  }, [session]);

  const running = scratch.running.value;
  return (
    <PanelFrame session={session} id={SCRATCH_PANEL} label="Scratch cell" as="aside">
      <p class="nb-assist-note">Runs in this notebook's runtime; neither the code nor its output is saved.</p>
      <div class="nb-scratch-editor nb-editor" ref={host} />
      <div class="nb-scratch-actions">
        <button
          type="button"
          class="button button-primary"
          onClick={() => void run(session, scratch)}
          disabled={running}
          title="Run (Ctrl+Enter)"
        >
          {running ? 'Running…' : 'Run'}
        </button>
        <span class="nb-scratch-status" role="status">
          {scratch.message.value === 'Running…' ? '' : scratch.message.value}
        </span>
      </div>
      <div class="nb-scratch-outputs">
        <OutputArea notebookId={session.id} cellId="scratch" outputs={scratch.outputs.value} />
      </div>
    </PanelFrame>
  );
}
