import { describe, expect, it } from 'vitest';
import type { Output } from '../types';
import { chooseMime, FRAMED_MIMES } from './mime';
import { sameOutput } from './sameOutput';

describe('which representation of an output is shown', () => {
  it('prefers the richest, as JupyterLab does', () => {
    expect(chooseMime({ 'text/plain': 'x', 'text/html': '<b>x</b>', 'image/png': 'AAA' })).toBe('text/html');
    expect(chooseMime({ 'text/plain': 'x', 'image/png': 'AAA' })).toBe('image/png');
    expect(chooseMime({ 'text/plain': 'x', 'text/latex': '$x$', 'image/svg+xml': '<svg/>' })).toBe('text/latex');
    expect(chooseMime({ 'application/x-unknown': 1 })).toBeNull();
  });

  it('frames everything that can carry script, and nothing else', () => {
    for (const mime of ['text/html', 'image/svg+xml', 'application/javascript', 'text/markdown', 'text/latex']) {
      expect(FRAMED_MIMES.has(mime)).toBe(true);
    }
    for (const mime of ['text/plain', 'image/png', 'image/jpeg']) expect(FRAMED_MIMES.has(mime)).toBe(false);
  });
});

describe('an unchanged output is recognised', () => {
  it('compares content, not objects', () => {
    const a: Output = { output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] };
    expect(sameOutput(a, { output_type: 'stream', name: 'stdout', text: 'a\nb' })).toBe(true);
    expect(sameOutput(a, { output_type: 'stream', name: 'stderr', text: 'a\nb' })).toBe(false);
    const d: Output = { output_type: 'display_data', data: { 'text/html': '<p>1</p>' }, metadata: {} };
    expect(sameOutput(d, { output_type: 'display_data', data: { 'text/html': ['<p>', '1</p>'] }, metadata: {} })).toBe(true);
    expect(sameOutput(d, { output_type: 'display_data', data: { 'text/html': '<p>2</p>' }, metadata: {} })).toBe(false);
  });
});
