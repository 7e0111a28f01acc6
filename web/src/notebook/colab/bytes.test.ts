import { describe, expect, it } from 'vitest';
import { decodeBase64 } from './bytes';

describe('decodeBase64', () => {
  it('gives back the bytes of any length, padded or not', () => {
    for (const size of [0, 1, 2, 3, 4, 5, 300_000]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7919) % 256);
      const encoded = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
      expect(Array.from(decodeBase64(encoded))).toEqual(Array.from(bytes));
    }
  });
});
