import { describe, expect, it } from 'vitest';
import { imageSize } from './ImageOutput';

// A 3 x 2 PNG's first bytes (signature, IHDR) and a 5 x 4 GIF's header, base64.
const png = btoa('\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x03\x00\x00\x00\x02\x08\x02\x00\x00\x00');
const gif = btoa('GIF89a\x05\x00\x04\x00\x80\x00\x00');

describe('imageSize', () => {
  it('reads a PNG size from its header', () => {
    expect(imageSize('image/png', png + 'AAAA')).toEqual({ width: 3, height: 2 });
  });
  it('reads a GIF size from its header', () => {
    expect(imageSize('image/gif', gif)).toEqual({ width: 5, height: 4 });
  });
  it('says nothing of a JPEG, a wrong type or broken base64', () => {
    expect(imageSize('image/jpeg', png)).toBeNull();
    expect(imageSize('image/png', gif)).toBeNull();
    expect(imageSize('image/png', '%%%not base64')).toBeNull();
  });
});
