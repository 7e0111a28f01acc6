import { describe, expect, it } from 'vitest';
import { findCommentStart, isPyInt, isPyNumber, parsePyString, pyString } from './literal';

describe('Python literals in form lines', () => {
  it('writes a string that Python reads back as the same text', () => {
    const samples = ['', 'plain', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', '\u0001ctl', 'ünï😀'];
    for (const value of samples) {
      for (const quote of ['"', "'"] as const) {
        const literal = pyString(value, quote);
        expect(literal.startsWith(quote)).toBe(true);
        expect(parsePyString(literal)?.value).toBe(value);
      }
    }
  });

  it('reads escapes, prefixes and triple quotes', () => {
    expect(parsePyString("'\\x41\\u00e9\\N'")?.value).toBe('Aé\\N');
    expect(parsePyString("r'\\n'")?.value).toBe('\\n');
    expect(parsePyString('"""a"b"""')).toMatchObject({ value: 'a"b', triple: true });
    expect(parsePyString("'a' + 'b'")).toBe(null);
    expect(parsePyString("'open")).toBe(null);
  });

  it('finds the comment outside strings', () => {
    expect(findCommentStart('x = "#" # c')).toBe(8);
    expect(findCommentStart("x = 'a\\'#' #")).toBe(11);
    expect(findCommentStart('x = 1')).toBe(-1);
    expect(findCommentStart('x = "open # c')).toBe(-2);
  });

  it('knows Python numbers', () => {
    for (const n of ['0', '-3', '1_000', '2.5', '.5', '5.', '1e-3', '+2E10']) expect(isPyNumber(n)).toBe(true);
    for (const n of ['', '-', 'e3', '1e', '0x10', '1..2', 'nan', '1_']) expect(isPyNumber(n)).toBe(false);
    expect(isPyInt('42')).toBe(true);
    expect(isPyInt('4.2')).toBe(false);
  });
});
