// /notebook/<id>: the notebook editor. Its code (CodeMirror, Yjs, KaTeX) loads on demand, so
// Drive stays light for people who never open a notebook.

import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../state/toasts';

type Editor = FunctionComponent<{ id: string }>;
let loaded: Editor | null = null;

export function NotebookPage({ id }: { id: string }) {
  const [Editor, setEditor] = useState<Editor | null>(() => loaded);
  const [failure, setFailure] = useState('');
  useEffect(() => {
    if (Editor) return;
    import('../notebook/NotebookEditor')
      .then((module) => {
        loaded = module.NotebookEditor;
        setEditor(() => module.NotebookEditor);
      })
      .catch((error) => setFailure(`${errorText(error)} Reload the page to try again.`));
  }, []);
  if (Editor) return <Editor id={id} />;
  return (
    <main class="page" aria-label="Notebook">
      {failure ? (
        <p role="alert">The notebook editor did not load: {failure}</p>
      ) : (
        <p class="loading" role="status">
          Loading the editor…
        </p>
      )}
    </main>
  );
}
