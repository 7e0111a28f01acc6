import { describe, expect, it } from 'vitest';
import { dropIndex } from './drag';

describe('a dragged cell', () => {
  it('dropped above the first cell becomes the first', () => {
    expect(dropIndex(2, 0, true)).toBe(0);
  });
  it('dropped below the last cell becomes the last', () => {
    expect(dropIndex(0, 2, false)).toBe(2);
  });
  it('dropped just below the cell above it or above the cell below it stays put', () => {
    expect(dropIndex(1, 0, false)).toBe(1);
    expect(dropIndex(1, 2, true)).toBe(1);
  });
  it('dropped between two cells further down lands between them', () => {
    expect(dropIndex(0, 3, true)).toBe(2);
    expect(dropIndex(4, 1, false)).toBe(2);
  });
});
