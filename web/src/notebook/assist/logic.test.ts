import { describe, expect, it } from 'vitest';
import {
  completesAsYouType,
  completionIconType,
  completionTypeLabel,
  docsMime,
  formatBytes,
  nameAt,
  tabCompletes,
  typedPrefix,
  withCompletion,
} from './logic';

describe('completion item types', () => {
  it('maps jedi types to CodeMirror icon types', () => {
    expect(completionIconType('function')).toBe('function');
    expect(completionIconType('class')).toBe('class');
    expect(completionIconType('module')).toBe('namespace');
    expect(completionIconType('instance')).toBe('variable');
    expect(completionIconType('statement')).toBe('variable');
    expect(completionIconType('keyword')).toBe('keyword');
    expect(completionIconType('path')).toBe('path');
    expect(completionIconType('magic')).toBe('magic');
    expect(completionIconType('param')).toBe('param');
    expect(completionIconType('something-new')).toBe('text');
    expect(completionIconType(null)).toBeUndefined();
    expect(completionIconType('<unknown>')).toBeUndefined();
  });
  it('names the kind in words', () => {
    expect(completionTypeLabel('instance')).toBe('variable');
    expect(completionTypeLabel('param')).toBe('parameter');
    expect(completionTypeLabel('function')).toBe('function');
    expect(completionTypeLabel(null)).toBe('');
  });
});

describe('when Tab completes', () => {
  it('completes after a name, a dot, a slash, a quote or %', () => {
    for (const before of ['np.ar', 'x', 'np.', "open('data/", 'open("', "open('", '%mat', 'é', 'x1']) {
      expect(tabCompletes(before), before).toBe(true);
    }
  });
  it('indents at the start of a line, after spaces or an operator', () => {
    for (const before of ['', '    ', 'x = ', 'f(a, ', '(']) {
      expect(tabCompletes(before), before).toBe(false);
    }
  });
});

describe('completion while typing', () => {
  it('opens after an attribute dot and keeps going while the name is typed', () => {
    for (const before of ['np.', 'np.ar', 'df.col', 'f(x).', 'a[0].', '"abc".up', 'x1.', 'données.']) {
      expect(completesAsYouType(before), before).toBe(true);
    }
  });
  it('does not open after a number, an ellipsis or without a dot', () => {
    for (const before of ['1.', '3.14', '0x1f.', 'x = ...', 'np', 'import ', '.']) {
      expect(completesAsYouType(before), before).toBe(false);
    }
  });
});

describe('the name under the pointer', () => {
  it('takes the dotted name up to the end of the word pointed at', () => {
    const text = 'y = np.linalg.norm(x)';
    const at = (pos: number) => {
      const name = nameAt(text, pos);
      return name && text.slice(name.from, name.to);
    };
    expect(at(text.indexOf('norm') + 1)).toBe('np.linalg.norm');
    expect(at(text.indexOf('linalg'))).toBe('np.linalg');
    expect(at(text.indexOf('np'))).toBe('np');
    expect(at(text.indexOf('='))).toBeNull();
    expect(nameAt('x = 1.5', 5)).toBeNull();
  });
  it('counts UTF-16 offsets past astral characters', () => {
    const text = 's = "😀"; café.upper';
    const name = nameAt(text, text.indexOf('upper') + 2)!;
    expect(text.slice(name.from, name.to)).toBe('café.upper');
  });
});

describe('docs for a completion item', () => {
  it('puts the chosen item in place of what was typed', () => {
    const code = 'np.ar\nx = 1';
    const k = typedPrefix('np.ar', 'array');
    expect(k).toBe(2);
    expect(withCompletion(code, 5 - k, 5, 'array')).toEqual({ code: 'np.array\nx = 1', cursor: 8 });
    expect(typedPrefix('np.ar', 'np.array')).toBe(5);
    expect(typedPrefix('%mat', '%matplotlib')).toBe(4);
    expect(typedPrefix('x = ', 'abs')).toBe(0);
  });
});

describe('formatting', () => {
  it('formats memory sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(80 * 1024 * 1024)).toBe('80 MB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GB');
    expect(formatBytes(null)).toBe('');
  });
  it('shows IPython text first, then Markdown, then HTML', () => {
    expect(docsMime({ 'text/plain': 'a', 'text/html': '<b>a</b>' })).toBe('text/plain');
    expect(docsMime({ 'text/html': '<b>a</b>', 'text/markdown': '*a*' })).toBe('text/markdown');
    expect(docsMime({ 'text/html': '<b>a</b>' })).toBe('text/html');
    expect(docsMime({})).toBeNull();
  });
});
