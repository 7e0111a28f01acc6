import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore } from './fuzzy';

describe('fuzzy matching', () => {
  it("finds 'Run all' from 'rnal'", () => {
    expect(fuzzyScore('rnal', 'Run all')).not.toBeNull();
  });

  it('needs the letters in order', () => {
    expect(fuzzyScore('lar', 'Run all')).toBeNull();
    expect(fuzzyScore('xyz', 'Run all')).toBeNull();
  });

  it('puts word-start matches first', () => {
    const labels = ['Clear all outputs', 'Run all', 'Run cell', 'Restart runtime'];
    expect(fuzzyFilter('rnal', labels, (s) => s)[0]).toBe('Run all');
    expect(fuzzyFilter('ra', labels, (s) => s)[0]).toBe('Run all');
  });

  it('keeps everything, in order, for an empty query', () => {
    expect(fuzzyFilter('', ['b', 'a'], (s) => s)).toEqual(['b', 'a']);
  });

  it('ignores case and spaces in the query', () => {
    expect(fuzzyScore('RUN A', 'Run all')).not.toBeNull();
  });
});
