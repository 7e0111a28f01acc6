// A code cell's Colab form (#@title, #@markdown, #@param), drawn from the cell's code.
// The code is the single source of truth: the form re-reads `source` on every change, and a
// change in a control writes only that field's value back (see rewrite.ts).

import { useCallback, useId, useMemo, useRef } from 'preact/hooks';
import { renderInlineMarkdown, renderMarkdown } from './markdown';
import { parseForm } from './parse';
import { setField } from './rewrite';
import { FieldControl, type FieldActions } from './fields';
import './forms.css';

export { formHidesCode, formOptions, hasForm, parseForm } from './parse';
export type { FormField, FormTitle, ParsedForm, TitleOptions } from './parse';
export { setField } from './rewrite';

export interface CellFormProps {
  /** The cell's code, as it is now. */
  source: string;
  /** Called with the whole new code when a field changes (the editor writes it to the cell). */
  onSourceChange: (source: string) => void;
  /** Called after a change when the title says `run: "auto"` (the editor runs the cell). */
  onAutoRun: () => void;
  /** Whether the user may edit (viewers see the form disabled). */
  readOnly: boolean;
}

/** The title as plain text, for the form's accessible name. */
function plainTitle(text: string): string {
  return text.replace(/[*_`~]/g, '').trim();
}

/** The form for a code cell, or nothing when the code has no form. */
export function CellForm({ source, onSourceChange, onAutoRun, readOnly }: CellFormProps) {
  const form = useMemo(() => parseForm(source), [source]);
  const baseId = useId();

  // A commit must apply to the newest code, which may be newer than this render's `source`
  // when two commits come before the editor re-renders us (a flush then an Enter).
  const latest = useRef(source);
  const seenSource = useRef(source);
  if (seenSource.current !== source) {
    seenSource.current = source;
    latest.current = source;
  }
  const props = useRef({ onSourceChange, onAutoRun, runAuto: false });
  props.current = { onSourceChange, onAutoRun, runAuto: form.title?.options.runAuto ?? false };

  const commit = useCallback((key: string, input: string | boolean): boolean => {
    const next = setField(latest.current, key, input);
    if (next === latest.current) return false;
    latest.current = next;
    props.current.onSourceChange(next);
    return true;
  }, []);
  const autoRun = useCallback(() => {
    if (props.current.runAuto) props.current.onAutoRun();
  }, []);
  const actions: FieldActions = useMemo(() => ({ commit, autoRun }), [commit, autoRun]);

  // A bare `#@title` (no text, no fields) has nothing to show.
  if (!form.title?.text && form.items.length === 0) return null;
  const title = form.title;
  const width = title?.options.formWidth;

  return (
    <form
      class="cell-form"
      aria-label={title?.text ? plainTitle(title.text) : 'Form'}
      style={width ? { width, maxWidth: '100%' } : undefined}
      onSubmit={(e) => e.preventDefault()}
    >
      {title?.text ? (
        <h3 class="cell-form-title" dangerouslySetInnerHTML={{ __html: renderInlineMarkdown(title.text) }} />
      ) : null}
      {form.items.map((item, i) =>
        item.type === 'markdown' ? (
          <div
            key={`md-${item.line}`}
            class="cell-form-markdown"
            dangerouslySetInnerHTML={{ __html: renderMarkdown(item.text) }}
          />
        ) : (
          <FieldControl
            key={item.field.key}
            id={`${baseId}-f${i}`}
            field={item.field}
            readOnly={readOnly}
            actions={actions}
          />
        ),
      )}
    </form>
  );
}
