import { describe, expect, it } from 'vitest';
import { headingsOf, plainTitle } from './headings';

describe('headingsOf', () => {
  it('finds atx headings of every level with their text', () => {
    expect(headingsOf('# Intro\ntext\n### Deep *one* ##\n###### six')).toEqual([
      { level: 1, title: 'Intro' },
      { level: 3, title: 'Deep one' },
      { level: 6, title: 'six' },
    ]);
  });

  it('skips headings inside code fences', () => {
    expect(headingsOf('```python\n# a comment\n```\n## After\n~~~\n# no\n~~~')).toEqual([{ level: 2, title: 'After' }]);
  });

  it('reads setext and html headings but not a hashtag or a rule', () => {
    expect(headingsOf('Title\n=====\n\n<h2 id="x">Two <b>b</b></h2>\n#hashtag\n\n---\nSub\n---')).toEqual([
      { level: 1, title: 'Title' },
      { level: 2, title: 'Two b' },
      { level: 2, title: 'Sub' },
    ]);
  });

  it('keeps a link text', () => {
    expect(plainTitle('See [the docs](https://x) `now`')).toBe('See the docs now');
  });
});
