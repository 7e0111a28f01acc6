import { describe, expect, it } from 'vitest';
import type { RuntimeStatus } from '../../api/notebooks';
import { ordinal, placeInLine } from './startLine';

const status = (fields: Partial<RuntimeStatus>): RuntimeStatus => ({
  type: 'runtime', status: 'starting', message: null, running: null, queued: [], ...fields,
});

describe('a page waiting for a kernel start', () => {
  it('says its place in line', () => {
    expect(placeInLine(status({ place: 3 }))).toBe('Starting runtime (3rd in line)');
    expect(placeInLine(status({ place: 1 }))).toBe('Starting runtime (1st in line)');
  });

  it('says nothing of a line once its start began or the runtime is up', () => {
    expect(placeInLine(status({ place: null }))).toBeNull();
    expect(placeInLine(status({ status: 'idle', place: 2 }))).toBeNull();
    expect(placeInLine(null)).toBeNull();
  });

  it('writes English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual(
      ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th'],
    );
  });
});
