// Writes a form field's new value back into the code, as Colab writes it: only the value's
// text changes; the name, spacing, the `#@param` comment and every other line stay byte for byte.

import { isPyInt, isPyNumber, pyString } from './literal';
import { parseForm, type FormField } from './parse';

/**
 * The Python text for what the user put in the field's control, or null when it is not a
 * valid value for the field (an empty number, a letter in an integer field): the code then
 * keeps its old value.
 * `input` is the control's value: text for text-like controls, a boolean for checkboxes.
 */
export function fieldLiteral(field: FormField, input: string | boolean): string | null {
  const text = typeof input === 'boolean' ? (input ? 'True' : 'False') : input;
  switch (field.kind) {
    case 'string':
      return pyString(text, field.quote, field.stringPrefix);
    case 'date':
      if (text !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
      return pyString(text, field.quote, field.stringPrefix);
    case 'number':
      return isPyNumber(text) ? text.trim() : null;
    case 'integer':
      return isPyInt(text) ? text.trim() : null;
    case 'slider':
      return sliderLiteral(field, text);
    case 'boolean':
      return text === 'True' || text === 'true' ? 'True' : text === 'False' || text === 'false' ? 'False' : null;
    case 'raw':
      // An empty value or a line break would break the code.
      return text.trim() === '' || /[\r\n]/.test(text) ? null : text.trim();
    case 'dropdown':
      return dropdownLiteral(field, text);
  }
}

/** How many decimals a number has as JavaScript writes it (`0.25` → 2, `1e-3` → 3). */
function decimals(n: number): number {
  const s = String(n);
  const e = /e-(\d+)$/.exec(s);
  if (e) return Number(e[1]) + (s.split('e')[0].split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

function sliderLiteral(field: FormField, text: string): string | null {
  if (!isPyNumber(text)) return null;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(n)) return null;
  const places = Math.max(decimals(field.step ?? 1), decimals(field.min ?? 0));
  // A float field stays a float (`1.0`, not `1`) so the code's type does not change under the user.
  const wasFloat = /[.eE]/.test(field.valueText) && !isPyInt(field.valueText);
  if (places === 0) {
    const whole = String(Math.round(n));
    return wasFloat ? `${whole}.0` : whole;
  }
  // On the step's grid, without float noise or padding: 0.30000000000000004 → 0.3, 1.00 → 1.0.
  return n.toFixed(Math.min(places, 20)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '.0');
}

function dropdownLiteral(field: FormField, text: string): string | null {
  if (field.rawOptions) return text.trim() === '' || /[\r\n]/.test(text) ? null : text;
  const option = field.options.find((o) => o.label === text);
  if (option) return option.isString ? pyString(option.label, field.quote) : option.text;
  if (!field.allowInput) return null;
  // Typed text: a number when the list holds numbers only, a string otherwise.
  const numeric = field.options.length > 0 && field.options.every((o) => !o.isString);
  if (numeric && isPyNumber(text)) return text.trim();
  return pyString(text, field.quote, field.stringPrefix);
}

/** The code with `field`'s value replaced by `literal` (the field as parsed from `source`). */
export function replaceValue(source: string, field: FormField, literal: string): string {
  let text = literal;
  // `x = #@param` has no value: keep a space before the comment.
  if (field.valueStart === field.valueEnd && source[field.valueEnd] === '#') text += ' ';
  return source.slice(0, field.valueStart) + text + source.slice(field.valueEnd);
}

/**
 * The code after the user set the field `key` (see FormField.key) to `input`.
 * Returns `source` itself when the field is gone or the input is not a valid value.
 */
export function setField(source: string, key: string, input: string | boolean): string {
  const field = parseForm(source).fields.find((f) => f.key === key);
  if (!field) return source;
  const literal = fieldLiteral(field, input);
  if (literal === null || literal === field.valueText) return source;
  return replaceValue(source, field, literal);
}
