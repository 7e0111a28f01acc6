// Key names as CodeMirror writes them ('Mod-Shift-p', 'Mod-m a' for a chord of two strokes,
// 'd d', 'Shift-Enter'), put in one canonical form so a binding and a key press compare equal,
// and shown the way people read them ('Ctrl+M A').

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

const ALIASES: Record<string, string> = {
  esc: 'Escape',
  escape: 'Escape',
  space: 'Space',
  ' ': 'Space',
  enter: 'Enter',
  return: 'Enter',
  up: 'ArrowUp',
  down: 'ArrowDown',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  del: 'Delete',
};

/** One stroke in canonical form: modifiers in the order Alt, Ctrl, Meta, Shift; letters lower case. */
export function normalizeStroke(stroke: string, mac = isMac): string {
  const parts = stroke.split(/-(?!$)/);
  let key = parts.pop() ?? '';
  let alt = false;
  let ctrl = false;
  let meta = false;
  let shift = false;
  for (const part of parts) {
    const mod = part.toLowerCase();
    if (mod === 'alt' || mod === 'a') alt = true;
    else if (mod === 'ctrl' || mod === 'control' || mod === 'c') ctrl = true;
    else if (mod === 'meta' || mod === 'cmd' || mod === 'm') meta = true;
    else if (mod === 'shift' || mod === 's') shift = true;
    else if (mod === 'mod') {
      if (mac) meta = true;
      else ctrl = true;
    }
  }
  key = ALIASES[key.toLowerCase()] ?? key;
  if (key.length === 1 && /[a-z]/i.test(key)) {
    if (key !== key.toLowerCase()) shift = true;
    key = key.toLowerCase();
  }
  return (alt ? 'Alt-' : '') + (ctrl ? 'Ctrl-' : '') + (meta ? 'Meta-' : '') + (shift ? 'Shift-' : '') + key;
}

/** A binding (one or more strokes, space-separated) in canonical form. */
export function normalizeBinding(binding: string, mac = isMac): string {
  return binding
    .trim()
    .split(/\s+/)
    .map((stroke) => normalizeStroke(stroke, mac))
    .join(' ');
}

const CODE_KEYS: Record<string, string> = {
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Backquote: '`',
  Comma: ',',
  Period: '.',
  Slash: '/',
};

function baseKey(code: string): string | null {
  if (/^Key[A-Z]$/.test(code)) return code.slice(3).toLowerCase();
  if (/^Digit[0-9]$/.test(code)) return code.slice(5);
  return CODE_KEYS[code] ?? null;
}

export interface KeyLike {
  key: string;
  code?: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export const isModifierKey = (key: string) => ['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'OS'].includes(key);

/** A key press in canonical form ('Ctrl-Shift--' for Ctrl+Shift+minus, 'Shift-m', '.'), or null
 * for a lone modifier. */
export function eventStroke(event: KeyLike): string | null {
  if (isModifierKey(event.key)) return null;
  const modified = event.altKey || event.ctrlKey || event.metaKey;
  let key = ALIASES[event.key.toLowerCase()] ?? event.key;
  let shift = event.shiftKey;
  if (key.length === 1) {
    const base = event.code ? baseKey(event.code) : null;
    if (/[a-z]/i.test(key) || (modified && base)) {
      key = base ?? key.toLowerCase();
    } else if (!modified) {
      shift = false; // '_', '?', '.': the character says it
    }
  }
  return (
    (event.altKey ? 'Alt-' : '') + (event.ctrlKey ? 'Ctrl-' : '') + (event.metaKey ? 'Meta-' : '') + (shift ? 'Shift-' : '') + key
  );
}

/** True when a stroke holds Ctrl, Alt or Meta (or is Shift+Enter, or a function key). */
export function strokeIsModified(stroke: string): boolean {
  return /(^|-)(Alt|Ctrl|Meta)-/.test(stroke) || stroke === 'Shift-Enter' || /(^|-)F\d+$/.test(stroke);
}

const SHOWN: Record<string, string> = {
  ArrowUp: '↑',
  ArrowDown: '↓',
  ArrowLeft: '←',
  ArrowRight: '→',
  Escape: 'Esc',
};

/** 'Mod-m a' -> 'Ctrl+M A' (on a Mac: '⌘M A'). */
export function formatBinding(binding: string, mac = isMac): string {
  return normalizeBinding(binding, mac)
    .split(' ')
    .map((stroke) => {
      const parts = stroke.split(/-(?!$)/);
      const key = parts.pop() ?? '';
      const shownKey = SHOWN[key] ?? (key.length === 1 ? key.toUpperCase() : key);
      const mods = parts.map((mod) =>
        mac ? ({ Alt: '⌥', Ctrl: '⌃', Meta: '⌘', Shift: '⇧' } as Record<string, string>)[mod] ?? mod : mod,
      );
      return mac ? mods.join('') + shownKey : [...mods, shownKey].join('+');
    })
    .join(' ');
}
