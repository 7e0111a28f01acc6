// One labelled control per form field. Every control's accessible name is the variable name.
// Typing is held in a local draft and written to the code after a short pause, so a collaborator's
// (or our own) re-render never fights the caret; the draft ends when the control loses focus.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { FormField } from './parse';
import { fieldLiteral } from './rewrite';

export interface FieldActions {
  /** Writes the field's new value into the code; false when nothing changed (or invalid). */
  commit: (key: string, input: string | boolean) => boolean;
  /** Runs the cell when the form says `run: "auto"`. */
  autoRun: () => void;
}

interface FieldProps {
  id: string;
  field: FormField;
  readOnly: boolean;
  actions: FieldActions;
}

/** How long typing pauses before the code is written. */
export const TYPING_DEBOUNCE_MS = 300;

export function FieldControl(props: FieldProps) {
  const { id, field } = props;
  return (
    <div class={`cell-form-field cell-form-field-${field.kind}`}>
      <label class="cell-form-label" for={id}>
        {field.name}
      </label>
      <div class="cell-form-control">
        <Control {...props} />
      </div>
    </div>
  );
}

function Control(props: FieldProps) {
  switch (props.field.kind) {
    case 'boolean':
      return <CheckboxField {...props} />;
    case 'slider':
      return <SliderField {...props} />;
    case 'date':
      return <DateField {...props} />;
    case 'dropdown':
      return props.field.allowInput ? <TextField {...props} /> : <SelectField {...props} />;
    default:
      return <TextField {...props} />;
  }
}

function CheckboxField({ id, field, readOnly, actions }: FieldProps) {
  return (
    <input
      id={id}
      type="checkbox"
      checked={field.checked}
      disabled={readOnly}
      onChange={(e) => {
        if (actions.commit(field.key, e.currentTarget.checked)) actions.autoRun();
      }}
    />
  );
}

function SelectField({ id, field, readOnly, actions }: FieldProps) {
  const labels = field.options.map((o) => o.label);
  // A value the list does not hold (edited in the code) is still shown as it is.
  const current = labels.includes(field.value) ? null : field.value;
  return (
    <select
      id={id}
      value={field.value}
      disabled={readOnly}
      onChange={(e) => {
        if (actions.commit(field.key, e.currentTarget.value)) actions.autoRun();
      }}
    >
      {current !== null ? <option value={current}>{current}</option> : null}
      {labels.map((label, i) => (
        <option key={i} value={label}>
          {label}
        </option>
      ))}
    </select>
  );
}

function DateField({ id, field, readOnly, actions }: FieldProps) {
  return (
    <input
      id={id}
      type="date"
      value={/^\d{4}-\d{2}-\d{2}$/.test(field.value) ? field.value : ''}
      disabled={readOnly}
      onChange={(e) => {
        if (actions.commit(field.key, e.currentTarget.value)) actions.autoRun();
      }}
    />
  );
}

/**
 * Listens to the native `change` event (a drag released, a key pressed, an edit committed) and
 * returns the ref to put on the input. Not the `onChange` prop: with preact/compat loaded (the
 * page loads it), `onChange` on an input is turned into an `input` listener.
 */
function useNativeChange(onChange: () => void) {
  const element = useRef<HTMLInputElement>(null);
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const listener = () => handler.current();
    target.addEventListener('change', listener);
    return () => target.removeEventListener('change', listener);
  }, []);
  return element;
}

function SliderField({ id, field, readOnly, actions }: FieldProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const dirty = useRef(false);
  const input = useNativeChange(() => {
    setDraft(null);
    if (dirty.current) actions.autoRun();
    dirty.current = false;
  });
  const shown = draft ?? field.value;
  // Show the value as the code will hold it (on the step grid), not the browser's float noise.
  const display = draft !== null ? (fieldLiteral(field, draft) ?? draft) : field.value;
  return (
    <>
      <input
        ref={input}
        id={id}
        type="range"
        min={field.min ?? 0}
        max={field.max ?? 100}
        step={field.step ?? 1}
        value={shown}
        disabled={readOnly}
        onInput={(e) => {
          const v = e.currentTarget.value;
          setDraft(v);
          if (actions.commit(field.key, v)) dirty.current = true;
        }}
      />
      <output class="cell-form-slider-value" for={id} aria-label={`${field.name} value`}>
        {display}
      </output>
    </>
  );
}

/** Text input, number input, raw expression, or a combobox (`allow-input` dropdown). */
function TextField({ id, field, readOnly, actions }: FieldProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const dirty = useRef(false);
  const key = field.key;
  const keyRef = useRef(key);
  keyRef.current = key;
  const actionsRef = useRef(actions);
  actionsRef.current = actions;

  const flush = () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (pending.current === null) return;
    const value = pending.current;
    pending.current = null;
    if (actionsRef.current.commit(keyRef.current, value)) dirty.current = true;
  };
  const finish = () => {
    flush();
    if (dirty.current) actionsRef.current.autoRun();
    dirty.current = false;
  };
  // Typing not yet written when the form goes away is still written.
  useEffect(() => () => flush(), []);
  const input = useNativeChange(finish);

  const isNumber = field.kind === 'number' || field.kind === 'integer';
  const combo = field.kind === 'dropdown';
  const listId = `${id}-options`;
  const value = draft ?? field.value;
  const invalid = draft !== null && fieldLiteral(field, draft) === null;

  return (
    <>
      <input
        ref={input}
        id={id}
        type={isNumber ? 'number' : 'text'}
        step={field.kind === 'integer' ? 1 : isNumber ? 'any' : undefined}
        class={field.kind === 'raw' || field.rawOptions ? 'cell-form-raw' : undefined}
        list={combo ? listId : undefined}
        value={value}
        placeholder={field.placeholder ?? undefined}
        spellcheck={false}
        autocomplete="off"
        disabled={readOnly}
        aria-invalid={invalid ? 'true' : undefined}
        onInput={(e) => {
          const v = e.currentTarget.value;
          setDraft(v);
          pending.current = v;
          clearTimeout(timer.current);
          // Picking a suggestion is a choice, not typing: write it at once.
          if (combo && field.options.some((o) => o.label === v)) flush();
          else timer.current = setTimeout(flush, TYPING_DEBOUNCE_MS);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') finish();
        }}
        onBlur={() => {
          finish();
          setDraft(null);
        }}
      />
      {combo ? (
        <datalist id={listId}>
          {field.options.map((o, i) => (
            <option key={i} value={o.label} />
          ))}
        </datalist>
      ) : null}
    </>
  );
}
