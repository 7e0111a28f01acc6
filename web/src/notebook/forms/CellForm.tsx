// PLACEHOLDER (owned by the forms work): Colab forms (#@title, #@param, #@markdown).
// The contract the editor relies on is the exports below; everything else may change.

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

/** Whether this code has a Colab form at all (a `#@title` or any `#@param`). */
export function hasForm(_source: string): boolean {
  return false;
}

/** Whether the title asks to hide the code behind "Show code" (`display-mode: "form"`). */
export function formHidesCode(_source: string): boolean {
  return false;
}

/** The form for a code cell, or nothing when the code has no form. */
export function CellForm(_props: CellFormProps) {
  return null;
}
