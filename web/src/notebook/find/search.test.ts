import { describe, expect, it } from 'vitest';
import { buildPattern, findAll, replacementFor } from './search';

const plain = { matchCase: false, wholeWord: false, regex: false };

describe('find', () => {
  it('finds plain text ignoring case, special characters literally', () => {
    const { re } = buildPattern('a.b', plain);
    expect(findAll('A.B axb a.b', re!)).toEqual([
      { from: 0, to: 3 },
      { from: 8, to: 11 },
    ]);
  });

  it('matches case and whole words when asked', () => {
    const { re } = buildPattern('df', { matchCase: true, wholeWord: true, regex: false });
    expect(findAll('df = pdf(DF); df.head()', re!).map((r) => r.from)).toEqual([0, 14]);
  });

  it('explains an invalid regular expression instead of throwing', () => {
    const pattern = buildPattern('(ab', { ...plain, regex: true });
    expect(pattern.re).toBeNull();
    expect(pattern.error).toMatch(/Not a valid regular expression/);
  });

  it('skips empty matches', () => {
    const { re } = buildPattern('x*', { ...plain, regex: true });
    expect(findAll('axxb', re!)).toEqual([{ from: 1, to: 3 }]);
  });

  it('expands groups in a regular expression replacement', () => {
    const { re } = buildPattern('(\\w+)_(?<n>\\d)', { ...plain, regex: true });
    const text = 'x = col_1';
    const [range] = findAll(text, re!);
    expect(replacementFor(text, range, re!, '$<n>-$1 $$ $&', true)).toBe('1-col $ col_1');
    expect(replacementFor(text, range, re!, '$1', false)).toBe('$1');
  });
});
