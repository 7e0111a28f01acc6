import { describe, expect, it } from 'vitest';
import { isColabFrameMessage, isColabPageMessage, jsonValue } from './protocol';

describe('frame messages', () => {
  it('accepts well-formed invokes only', () => {
    expect(isColabFrameMessage({ nbcloud: 'colab-invoke', id: 1, name: 'f', args: [], kwargs: {} })).toBe(true);
    expect(isColabFrameMessage({ nbcloud: 'colab-invoke', id: 1, name: 'f', args: {}, kwargs: {} })).toBe(false);
    expect(isColabFrameMessage({ nbcloud: 'colab-invoke', id: 1, name: 'f', args: [], kwargs: [] })).toBe(false);
    expect(isColabFrameMessage({ type: 'colab_reply', request_id: 'x', reply: 1 })).toBe(false);
  });

  it('accepts proxyPort requests for real ports only', () => {
    expect(isColabFrameMessage({ nbcloud: 'colab-proxy-port', id: 2, port: 8123 })).toBe(true);
    expect(isColabFrameMessage({ nbcloud: 'colab-proxy-port', id: 2, port: 0 })).toBe(false);
    expect(isColabFrameMessage({ nbcloud: 'colab-proxy-port', id: 2, port: 65536 })).toBe(false);
    expect(isColabFrameMessage({ nbcloud: 'colab-proxy-port', id: 2, port: '8123' })).toBe(false);
    expect(isColabFrameMessage({ nbcloud: 'colab-proxy-port', id: '2', port: 8123 })).toBe(false);
  });
});

describe('page messages', () => {
  it('answers proxyPort with a URL or an error', () => {
    expect(isColabPageMessage({ nbcloud: 'colab-proxy-port-result', id: 2, url: 'http://h/api/runtimes/proxy/t/' })).toBe(true);
    expect(isColabPageMessage({ nbcloud: 'colab-proxy-port-result', id: '2', url: 'x' })).toBe(false);
  });
});

describe('jsonValue', () => {
  it('is what JSON carries', () => {
    expect(jsonValue(undefined)).toBeNull();
    expect(jsonValue(() => 1)).toBeNull();
    expect(jsonValue({ a: [1, 'b', undefined] })).toEqual({ a: [1, 'b', null] });
  });
});
