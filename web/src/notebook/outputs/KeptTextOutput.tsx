// A stream output too long for the live document: the document holds its head and tail (cut as
// limits.ts cuts long text), and the whole text is fetched from the hub only when asked for.

import { useState } from 'preact/hooks';
import { keptOutputText } from '../../api/notebooks';
import type { KeptNote } from '../types';
import { TextOutput, type TextKind } from './TextOutput';

interface KeptTextProps {
  notebookId: string;
  head: string;
  note: KeptNote;
  kind: TextKind;
}

export function KeptTextOutput({ notebookId, head, note, kind }: KeptTextProps) {
  const [whole, setWhole] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (whole !== null) return <TextOutput text={whole} kind={kind} showAll />;

  const showAll = async () => {
    setLoading(true);
    setError(null);
    try {
      setWhole(await keptOutputText(notebookId, note.id));
    } catch (e) {
      setError(`The whole output could not be loaded: ${(e as Error).message}`);
    } finally {
      setLoading(false);
    }
  };
  return (
    <div class="output-kept">
      <TextOutput text={head} kind={kind} />
      <div class="output-cut">
        <span>
          … {note.hidden.toLocaleString('en')} more lines ({note.lines.toLocaleString('en')} in all) are hidden.{' '}
        </span>
        <button
          type="button"
          class="button output-show-all"
          aria-label="Show all output"
          aria-busy={loading}
          disabled={loading}
          onClick={showAll}
        >
          {loading ? 'Loading…' : 'Show all output'}
        </button>
        {error && <span role="alert">{error}</span>}
      </div>
      {note.tail && <TextOutput text={note.tail} kind={kind} />}
    </div>
  );
}
