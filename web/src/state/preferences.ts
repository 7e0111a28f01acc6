// The signed-in person's preferences (theme, editor settings, shortcut bindings), kept by the hub
// per user (GET/PUT /api/me/preferences). `preferences` always holds a full object: what the
// person set, with defaults for the rest; until the hub answers (or when it cannot), defaults.

import { computed, effect, signal } from '@preact/signals';
import { request } from '../api/http';
import { user } from './session';
import { showError } from './toasts';

export type ThemeSetting = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';
export type IndentSize = 2 | 4 | 8;

export interface EditorPreferences {
  indent: IndentSize;
  lineNumbers: boolean;
  /** In CSS pixels, 10..24. */
  fontSize: number;
  vim: boolean;
  closeBrackets: boolean;
  lineWrap: boolean;
}

export interface Preferences {
  theme: ThemeSetting;
  editor: EditorPreferences;
  /** Command id -> its key bindings ([] = unbound); commands not listed keep their defaults. */
  shortcuts: Record<string, string[]>;
}

/** What updatePreferences takes: `editor` is merged key by key; `shortcuts` replaces the whole map. */
export interface PreferencesPatch {
  theme?: ThemeSetting;
  editor?: Partial<EditorPreferences>;
  shortcuts?: Record<string, string[]>;
}

/** What the hub stores: only what the person set. */
export interface StoredPreferences {
  theme?: ThemeSetting;
  editor?: Partial<EditorPreferences>;
  shortcuts?: Record<string, string[]>;
}

export const FONT_SIZES = { min: 10, max: 24 } as const;
export const INDENT_SIZES: readonly IndentSize[] = [2, 4, 8];

export const DEFAULT_PREFERENCES: Preferences = Object.freeze({
  theme: 'system',
  editor: Object.freeze({
    indent: 4,
    lineNumbers: false,
    fontSize: 14,
    vim: false,
    closeBrackets: true,
    lineWrap: true,
  }),
  shortcuts: Object.freeze({}),
}) as Preferences;

const PATH = '/api/me/preferences';

// The last theme this browser showed, so a reload starts in it instead of flashing the default
// until the hub answers (the hub's answer wins).
const THEME_CACHE = 'nbcloud.theme';

function cachedTheme(): ThemeSetting | undefined {
  try {
    const value = globalThis.localStorage?.getItem(THEME_CACHE);
    return isThemeSetting(value) ? value : undefined;
  } catch {
    return undefined; // storage blocked
  }
}

function cacheTheme(theme: ThemeSetting): void {
  try {
    globalThis.localStorage?.setItem(THEME_CACHE, theme);
  } catch {
    // storage blocked: the hub's answer still comes
  }
}

/** What the hub holds for this person (only what they set). */
let stored: StoredPreferences = {};
export const preferences = signal<Preferences>(withDefaults({ theme: cachedTheme() }));
/** True once the hub answered for the signed-in person. */
export const preferencesLoaded = signal(false);

function isThemeSetting(value: unknown): value is ThemeSetting {
  return value === 'system' || value === 'light' || value === 'dark';
}

/** Drops anything of the wrong type, so a stale or odd answer never breaks the page. */
export function sanitize(raw: unknown): StoredPreferences {
  const out: StoredPreferences = {};
  if (!raw || typeof raw !== 'object') return out;
  const source = raw as Record<string, unknown>;
  if (isThemeSetting(source.theme)) out.theme = source.theme;
  const editor = source.editor;
  if (editor && typeof editor === 'object') {
    const e = editor as Record<string, unknown>;
    const clean: Partial<EditorPreferences> = {};
    if (e.indent === 2 || e.indent === 4 || e.indent === 8) clean.indent = e.indent;
    if (typeof e.fontSize === 'number' && Number.isInteger(e.fontSize) && e.fontSize >= FONT_SIZES.min && e.fontSize <= FONT_SIZES.max)
      clean.fontSize = e.fontSize;
    for (const key of ['lineNumbers', 'vim', 'closeBrackets', 'lineWrap'] as const) {
      if (typeof e[key] === 'boolean') clean[key] = e[key] as boolean;
    }
    out.editor = clean;
  }
  const shortcuts = source.shortcuts;
  if (shortcuts && typeof shortcuts === 'object' && !Array.isArray(shortcuts)) {
    const clean: Record<string, string[]> = {};
    for (const [id, keys] of Object.entries(shortcuts as Record<string, unknown>)) {
      if (Array.isArray(keys) && keys.every((key) => typeof key === 'string')) clean[id] = [...(keys as string[])];
    }
    out.shortcuts = clean;
  }
  return out;
}

/** Stored preferences with defaults for the rest. */
export function withDefaults(value: StoredPreferences): Preferences {
  return {
    theme: value.theme ?? DEFAULT_PREFERENCES.theme,
    editor: { ...DEFAULT_PREFERENCES.editor, ...(value.editor ?? {}) },
    shortcuts: { ...(value.shortcuts ?? {}) },
  };
}

/** Applies a patch to stored preferences (editor merged, shortcuts replaced). */
export function merge(base: StoredPreferences, patch: PreferencesPatch): StoredPreferences {
  const next: StoredPreferences = { ...base };
  if (patch.theme !== undefined) next.theme = patch.theme;
  if (patch.editor !== undefined) next.editor = { ...(base.editor ?? {}), ...patch.editor };
  if (patch.shortcuts !== undefined) next.shortcuts = { ...patch.shortcuts };
  return next;
}

function setStored(value: StoredPreferences, remember = true): void {
  stored = value;
  preferences.value = withDefaults(value);
  if (remember) cacheTheme(preferences.value.theme);
}

let loading: Promise<void> | null = null;
let loadedFor: string | null = null;

/** Fetches the signed-in person's preferences; keeps defaults when the hub cannot answer. */
export function loadPreferences(): Promise<void> {
  if (loading) return loading;
  const who = user.peek()?.username ?? null;
  loading = (async () => {
    try {
      const answer = await request<unknown>('GET', PATH);
      if ((user.peek()?.username ?? null) !== who) return; // someone else signed in meanwhile
      setStored(sanitize(answer));
      loadedFor = who;
      preferencesLoaded.value = true;
    } catch {
      // Defaults (or what was there) stay; a later sign-in or reload tries again.
    } finally {
      loading = null;
    }
  })();
  return loading;
}

let saving: Promise<unknown> = Promise.resolve();

/** Changes preferences at once (optimistic), then saves them; on failure shows why and goes back. */
export async function updatePreferences(patch: PreferencesPatch | Partial<Preferences>): Promise<void> {
  const before = stored;
  const next = merge(stored, patch as PreferencesPatch);
  setStored(next);
  const save = saving.then(() => request<unknown>('PUT', PATH, next));
  saving = save.catch(() => {});
  try {
    const answer = await save;
    if (stored === next) setStored(sanitize(answer));
  } catch (error) {
    if (stored === next) setStored(before);
    showError(error);
  }
}

// The system's color scheme, followed live.
const darkQuery =
  typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)')
    : null;
export const systemTheme = signal<Theme>(darkQuery?.matches ? 'dark' : 'light');
darkQuery?.addEventListener?.('change', (event) => {
  systemTheme.value = event.matches ? 'dark' : 'light';
});

/** The theme in use: the setting, or the system's when the setting is "system". */
export const effectiveTheme = computed<Theme>(() => {
  const setting = preferences.value.theme;
  return setting === 'system' ? systemTheme.value : setting;
});

if (typeof document !== 'undefined') {
  // <html data-theme="dark|light">: the style sheets' variables follow it.
  effect(() => {
    const theme = effectiveTheme.value;
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  });
  // Preferences follow who is signed in: loaded at sign-in, back to defaults at sign-out.
  effect(() => {
    const who = user.value?.username ?? null;
    if (who === loadedFor) return;
    if (who === null) {
      loadedFor = null;
      preferencesLoaded.value = false;
      setStored({}, false);
      return;
    }
    void loadPreferences();
  });
}
