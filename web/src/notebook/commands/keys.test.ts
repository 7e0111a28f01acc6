import { describe, expect, it } from 'vitest';
import { eventStroke, formatBinding, normalizeBinding, normalizeStroke } from './keys';

const press = (key: string, code: string, mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {}) =>
  eventStroke({ key, code, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });

describe('key names', () => {
  it('puts Mod first as Ctrl off a Mac and as Meta on one', () => {
    expect(normalizeStroke('Mod-Shift-p', false)).toBe('Ctrl-Shift-p');
    expect(normalizeStroke('Shift-Mod-p', true)).toBe('Meta-Shift-p');
    expect(normalizeBinding('Mod-m a', false)).toBe('Ctrl-m a');
  });

  it('reads an upper-case letter as Shift and the letter', () => {
    expect(normalizeStroke('M', false)).toBe('Shift-m');
    expect(press('M', 'KeyM', { shiftKey: true })).toBe('Shift-m');
  });

  it('matches Ctrl+Shift+minus by the key, not the character it types', () => {
    expect(press('_', 'Minus', { ctrlKey: true, shiftKey: true })).toBe(normalizeStroke('Mod-Shift--', false));
  });

  it('keeps the typed character of an unmodified punctuation key', () => {
    expect(press('.', 'Period')).toBe('.');
    expect(press('/', 'Slash', { ctrlKey: true })).toBe(normalizeStroke('Mod-/', false));
  });

  it('ignores a lone modifier', () => {
    expect(press('Control', 'ControlLeft', { ctrlKey: true })).toBeNull();
  });

  it('shows bindings as people read them', () => {
    expect(formatBinding('Mod-m a', false)).toBe('Ctrl+M A');
    expect(formatBinding('Shift-Enter', false)).toBe('Shift+Enter');
    expect(formatBinding('d d', false)).toBe('D D');
    expect(formatBinding('Mod-Shift--', false)).toBe('Ctrl+Shift+-');
  });
});
