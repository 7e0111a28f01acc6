import { signal } from '@preact/signals';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFERENCES, merge, sanitize, withDefaults } from './preferences';

vi.mock('./session', () => ({ user: signal(null) })); // no browser here: no router, no sign-in

describe('preferences', () => {
  it('fills what a person did not set with the defaults', () => {
    const prefs = withDefaults({ theme: 'dark', editor: { fontSize: 18 } });
    expect(prefs.theme).toBe('dark');
    expect(prefs.editor).toEqual({ ...DEFAULT_PREFERENCES.editor, fontSize: 18 });
    expect(prefs.shortcuts).toEqual({});
  });

  it('drops what is of the wrong type instead of breaking the page', () => {
    const clean = sanitize({
      theme: 'purple',
      editor: { indent: 3, fontSize: 99, vim: 'yes', lineNumbers: true },
      shortcuts: { 'cell:run': ['Mod-Enter'], bad: 'x', worse: [1] },
      extra: 1,
    });
    expect(clean).toEqual({ editor: { lineNumbers: true }, shortcuts: { 'cell:run': ['Mod-Enter'] } });
    expect(sanitize(null)).toEqual({});
    expect(sanitize([1, 2])).toEqual({});
  });

  it('merges editor settings one by one and replaces the shortcut map', () => {
    const base = { theme: 'light' as const, editor: { indent: 8 as const }, shortcuts: { a: ['x'], b: [] } };
    const next = merge(base, { editor: { vim: true }, shortcuts: { b: ['y'] } });
    expect(next).toEqual({ theme: 'light', editor: { indent: 8, vim: true }, shortcuts: { b: ['y'] } });
    expect(base.editor).toEqual({ indent: 8 }); // not changed in place
  });
});
