// A code cell's body: the editor (with a Colab form beside it when the code has one), the
// outputs, and an input() field when the runtime waits for this cell's input.

import { useEffect, useState } from 'preact/hooks';
import type * as Y from 'yjs';
import { CellForm, formHidesCode, hasForm } from '../forms/CellForm';
import { cellSource, replaceText, setCellMetadata } from '../model/cells';
import { useY } from '../model/useY';
import type { NotebookSession } from '../NotebookSession';
import { ColabPrompts } from '../colab/ColabPrompts';
import { OutputArea } from '../outputs/OutputArea';
import type { Output } from '../types';
import { CodeEditor, type EditorKeys } from './CodeEditor';
import { InputPrompt } from './InputPrompt';

interface Props {
  session: NotebookSession;
  ycell: Y.Map<unknown>;
  id: string;
  keys: EditorKeys;
  focus: boolean;
  eager: boolean;
  onFocus: () => void;
}

export function CodeCell({ session, ycell, id, keys, focus, eager, onFocus }: Props) {
  const ytext = cellSource(ycell);
  useY(ytext);
  const youtputs = ycell.get('outputs') as Y.Array<Y.Map<unknown>> | undefined;
  useY(youtputs, true);
  const [showCode, setShowCode] = useState(false);

  const source = ytext.toString();
  const form = hasForm(source);
  const hidesCode = form && formHidesCode(source);

  // Colab marks cells with a form so Colab itself shows them as forms too.
  useEffect(() => {
    const meta = ycell.get('metadata') as Y.Map<unknown> | undefined;
    const view = meta?.get('cellView');
    if (form && view !== 'form') setCellMetadata(ycell, 'cellView', 'form');
    else if (!form && view === 'form') setCellMetadata(ycell, 'cellView', undefined);
  }, [form, ycell]);

  const outputs = (youtputs?.toJSON() ?? []) as Output[];
  const input = session.events.input.value;

  return (
    <div class="nb-code">
      <div class={form ? 'nb-code-row nb-code-row-form' : 'nb-code-row'}>
        {hidesCode && !showCode ? (
          <button type="button" class="nb-link-button" onClick={() => setShowCode(true)}>
            Show code
          </button>
        ) : (
          <div class="nb-code-editor">
            <CodeEditor
              ytext={ytext}
              awareness={session.provider.awareness}
              session={session}
              cellId={id}
              language="python"
              label="Code"
              keys={keys}
              focus={focus}
              eager={eager}
              onFocus={onFocus}
            />
            {hidesCode && (
              <button type="button" class="nb-link-button" onClick={() => setShowCode(false)}>
                Hide code
              </button>
            )}
          </div>
        )}
        {form && (
          <div class="nb-form">
            <CellForm
              source={source}
              onSourceChange={(next) => replaceText(ytext, next)}
              onAutoRun={() => session.runCell(id)}
              readOnly={false}
            />
          </div>
        )}
      </div>
      <OutputArea notebookId={session.id} cellId={id} outputs={outputs} ycell={ycell} />
      <ColabPrompts bridge={session.colab} cellId={id} />
      {input && input.cellId === id && <InputPrompt key={input.seq} request={input} onReply={(v) => session.events.reply(v)} />}
    </div>
  );
}
