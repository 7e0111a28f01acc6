import { describe, expect, it } from 'vitest';
import { isTooLong, planCut } from './limits';
import { GrowingText, TerminalLines } from './terminal';

function shown(text: string | string[]): string {
  const terminal = new TerminalLines();
  for (const part of Array.isArray(text) ? text : [text]) terminal.write(part);
  return terminal.toString();
}

describe('a stream as a terminal shows it', () => {
  it('keeps plain lines as they are', () => {
    expect(shown('one\ntwo\nthree')).toBe('one\ntwo\nthree');
  });

  it('shows only the last state of a progress bar redrawn with \\r', () => {
    const bar = Array.from({ length: 101 }, (_, i) => `\r${String(i).padStart(3)}%|${'#'.repeat(i / 10)}`).join('');
    expect(shown(`${bar}\ndone\n`)).toBe(`100%|##########\ndone\n`);
  });

  it('overwrites only as far as the new text reaches, like a terminal', () => {
    expect(shown('hello world\rHELLO')).toBe('HELLO world');
  });

  it('handles \\r and \\b split across writes', () => {
    expect(shown(['50%', '\r', '75%', '\r100%\n'])).toBe('100%\n');
    expect(shown(['abc', '\b', '\bX'])).toBe('aXc');
  });

  it('treats \\r\\n as a line end', () => {
    expect(shown('a\r\nb\r\n')).toBe('a\nb\n');
  });

  it('keeps colour escapes and erases with ESC[K', () => {
    expect(shown('\x1b[31mred\x1b[0m')).toBe('\x1b[31mred\x1b[0m');
    expect(shown('loading....\r\x1b[Kdone')).toBe('done');
    expect(shown(['\x1b[3', '2mgreen'])).toBe('\x1b[32mgreen');
  });
});

describe('a growing stream', () => {
  it('feeds only what was appended, and starts over when replaced', () => {
    const text = new GrowingText();
    text.update('a\nb');
    text.update('a\nbc\nd');
    expect(text.terminal.toString()).toBe('a\nbc\nd');
    expect(text.generation).toBe(0);
    text.update('new');
    expect(text.terminal.toString()).toBe('new');
    expect(text.generation).toBe(1);
  });

  it('takes 200,000 lines arriving in many pieces', () => {
    const text = new GrowingText();
    let whole = '';
    for (let chunk = 0; chunk < 200; chunk++) {
      let piece = '';
      for (let i = 0; i < 1000; i++) piece += `line ${chunk * 1000 + i}\n`;
      whole += piece;
      text.update(whole);
    }
    expect(text.terminal.lines.length).toBe(200_000);
    expect(text.terminal.lines[199_999]).toBe('line 199999');
  });
});

describe('long output is cut', () => {
  it('keeps the head and the tail', () => {
    expect(isTooLong(200_000, 2_000_000)).toBe(true);
    expect(isTooLong(10, 100)).toBe(false);
    const cut = planCut(200_000, () => 10);
    expect(cut.headEnd).toBe(1000);
    expect(cut.tailStart).toBe(199_000);
    expect(cut.hidden).toBe(198_000);
  });

  it('cuts by size when a few lines are huge', () => {
    const cut = planCut(10, () => 150_000);
    expect(cut.headEnd).toBe(2);
    expect(cut.tailStart).toBe(8);
  });
});
