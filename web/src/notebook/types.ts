// The notebook as the browser sees it: nbformat 4 JSON shapes, read from the live Y.Doc
// (JupyterLab's YNotebook layout: `cells`, `meta`, `state`).

export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  /** With `nbcloud_kept`: only the head of the text. */
  text: MultilineString;
  nbcloud_kept?: KeptNote;
}

/** A stream text too long for the live document: the hub keeps it whole (hub/documents/kept_text.py). */
export interface KeptNote {
  id: string;
  /** Lines in the whole text, and how many of them neither the head nor `tail` shows. */
  lines: number;
  hidden: number;
  tail: string;
}

export interface DisplayDataOutput {
  output_type: 'display_data' | 'execute_result';
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ErrorOutput;

/** Joins nbformat's "multiline string" (a string or a list of lines) into one string. */
export function joinText(text: MultilineString | undefined | null): string {
  if (text == null) return '';
  return Array.isArray(text) ? text.join('') : String(text);
}
