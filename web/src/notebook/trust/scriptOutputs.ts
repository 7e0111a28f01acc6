// Which saved outputs carry script: held back as a placeholder until the notebook is trusted.
// HTML may hold <script>, handlers and frames; SVG may hold script; JavaScript and widget views
// are script. Text, raster images, markdown, LaTeX and errors draw as usual.

import type { Output } from '../types';
import { WIDGET_VIEW_MIME } from '../widgets/protocol';

export const SCRIPT_MIMES: ReadonlySet<string> = new Set([
  'text/html',
  'application/javascript',
  'image/svg+xml',
  WIDGET_VIEW_MIME,
]);

export function carriesScript(output: Output): boolean {
  if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') return false;
  const data = (output.data ?? {}) as Record<string, unknown>;
  return Object.keys(data).some((mime) => SCRIPT_MIMES.has(mime) && data[mime] != null);
}
