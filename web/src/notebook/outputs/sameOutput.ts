// Whether two outputs show the same thing, so an unchanged output is not redrawn when the
// document hands over new objects for the same content.

import type { Output } from '../types';
import { joinText } from '../types';

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string' || Array.isArray(a) || Array.isArray(b)) {
    const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join('') : null);
    const ta = text(a);
    return ta !== null && ta === text(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export function sameOutput(a: Output, b: Output): boolean {
  if (a === b) return true;
  if (a.output_type !== b.output_type) return false;
  if (a.output_type === 'stream' && b.output_type === 'stream') {
    return (
      a.name === b.name && a.nbcloud_kept?.id === b.nbcloud_kept?.id && joinText(a.text) === joinText(b.text)
    );
  }
  if (a.output_type === 'error' && b.output_type === 'error') {
    return a.ename === b.ename && a.evalue === b.evalue && (a.traceback ?? []).join('\n') === (b.traceback ?? []).join('\n');
  }
  if (a.output_type === 'error' || b.output_type === 'error' || a.output_type === 'stream' || b.output_type === 'stream') {
    return false;
  }
  const keys = Object.keys(a.data ?? {});
  if (keys.length !== Object.keys(b.data ?? {}).length) return false;
  for (const key of keys) {
    if (!sameValue(a.data[key], b.data?.[key])) return false;
  }
  return sameValue(a.metadata ?? {}, b.metadata ?? {});
}
