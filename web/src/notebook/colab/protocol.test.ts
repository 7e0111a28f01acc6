import { describe, expect, it } from 'vitest';
import { isColabFrameMessage, jsonValue } from './protocol';

describe('frame messages', () => {
  it('accepts well-formed invokes only', () => {
    expect(isColabFrameMessage({ nbcloud: 'colab-invoke', id: 1, name: 'f', args: [], kwargs: {} })).toBe(true);
    expect(isColabFrameMessage({ nbcloud: 'colab-invoke', id: 1, name: 'f', args: {}, kwargs: {} })).toBe(false);
    expect(isColabFrameMessage({ nbcloud: 'colab-invoke', id: 1, name: 'f', args: [], kwargs: [] })).toBe(false);
    expect(isColabFrameMessage({ type: 'colab_reply', request_id: 'x', reply: 1 })).toBe(false);
  });
});

describe('jsonValue', () => {
  it('is what JSON carries', () => {
    expect(jsonValue(undefined)).toBeNull();
    expect(jsonValue(() => 1)).toBeNull();
    expect(jsonValue({ a: [1, 'b', undefined] })).toEqual({ a: [1, 'b', null] });
  });
});
