import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads rows and fields', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual({ rows: [['a', 'b'], ['1', '2']], more: false });
  });

  it('keeps quoted commas, quotes and line breaks', () => {
    expect(parseCsv('name,note\r\n"Ada, L.","said ""hi""\nthen left"\r\n').rows).toEqual([
      ['name', 'note'],
      ['Ada, L.', 'said "hi"\nthen left'],
    ]);
  });

  it('reads a last line without a line break, and empty fields', () => {
    expect(parseCsv('a,,c\n,2,').rows).toEqual([['a', '', 'c'], ['', '2', '']]);
  });

  it('stops after maxRows and says more follow', () => {
    const table = parseCsv('1\n2\n3\n4\n', 2);
    expect(table.rows).toEqual([['1'], ['2']]);
    expect(table.more).toBe(true);
    expect(parseCsv('1\n2\n', 2).more).toBe(false);
  });

  it('reads tab-separated text', () => {
    expect(parseCsv('a\tb\n1\t2', 10, '\t').rows).toEqual([['a', 'b'], ['1', '2']]);
  });
});
