// A labelled input: the <label> wraps the text and the control, so the label names it.

import type { JSX } from 'preact';

type Props = JSX.InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string };

export function Field({ label, hint, ...input }: Props) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      <input {...input} />
      {hint && <span class="field-hint">{hint}</span>}
    </label>
  );
}

export function FormError({ message }: { message: string }) {
  if (!message) return null;
  return (
    <p class="form-error" role="alert">
      {message}
    </p>
  );
}
