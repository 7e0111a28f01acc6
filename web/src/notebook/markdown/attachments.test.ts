import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { attachmentDataUrl, attachmentFileName, attachmentName, attachmentsOf, setAttachment } from './attachments';
import { createYCell, cellsOf } from '../model/cells';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('attachment URLs', () => {
  it('resolve to a data URL of the attachment image', () => {
    expect(attachmentDataUrl('attachment:dot.png', { 'dot.png': { 'image/png': PNG } })).toBe(`data:image/png;base64,${PNG}`);
  });

  it('read names that markdown-it percent-encoded', () => {
    expect(attachmentName('attachment:my%20plot.png')).toBe('my plot.png');
    expect(attachmentDataUrl('attachment:my%20plot.png', { 'my plot.png': { 'image/jpeg': PNG } })).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('join base64 split into lines, as nbformat may store it', () => {
    const lines = [PNG.slice(0, 20) + '\n', PNG.slice(20)];
    expect(attachmentDataUrl('attachment:a.png', { 'a.png': { 'image/png': lines as unknown as string } })).toBe(
      `data:image/png;base64,${PNG}`,
    );
  });

  it('give SVG text as base64', () => {
    const url = attachmentDataUrl('attachment:a.svg', { 'a.svg': { 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"/>' } });
    expect(url).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(atob(url!.split(',')[1])).toContain('<svg');
  });

  it('never resolve what is no image', () => {
    expect(attachmentDataUrl('attachment:x', { x: { 'text/html': PNG } })).toBeNull();
    expect(attachmentDataUrl('attachment:x', { x: { 'image/png;charset=x': PNG } })).toBeNull();
    expect(attachmentDataUrl('attachment:x', { x: { 'image/png': '" onerror="alert(1)' } })).toBeNull();
    expect(attachmentDataUrl('attachment:x', { x: { 'image/png': 'javascript:alert(1)' } })).toBeNull();
  });

  it('are null for a missing attachment or another URL', () => {
    expect(attachmentDataUrl('attachment:gone.png', { 'dot.png': { 'image/png': PNG } })).toBeNull();
    expect(attachmentDataUrl('attachment:constructor', {})).toBeNull();
    expect(attachmentDataUrl('attachment:dot.png', undefined)).toBeNull();
    expect(attachmentDataUrl('https://example.com/dot.png', { 'dot.png': { 'image/png': PNG } })).toBeNull();
  });
});

describe('new attachments', () => {
  it('get safe, unique names', () => {
    expect(attachmentFileName('image.png', 'image/png', undefined)).toBe('image.png');
    expect(attachmentFileName('image.png', 'image/png', { 'image.png': {} })).toBe('image-1.png');
    expect(attachmentFileName('my plot (1).jpeg', 'image/jpeg', {})).toBe('my-plot-1-.jpeg');
    expect(attachmentFileName('', 'image/svg+xml', {})).toBe('image.svg');
    expect(attachmentFileName('shot', 'image/png', {})).toBe('shot.png');
  });

  it('keep the saved ones when the first is added', () => {
    const doc = new Y.Doc();
    const ycell = createYCell({ cell_type: 'markdown', source: '', attachments: { 'old.png': { 'image/png': PNG } } });
    cellsOf(doc).push([ycell]);
    setAttachment(ycell, 'new.png', { 'image/png': PNG });
    expect(Object.keys(attachmentsOf(ycell)!).sort()).toEqual(['new.png', 'old.png']);
    expect(cellsOf(doc).get(0).toJSON().attachments['new.png']).toEqual({ 'image/png': PNG });
  });
});
