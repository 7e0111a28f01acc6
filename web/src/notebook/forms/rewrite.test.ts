import { describe, expect, it } from 'vitest';
import { parseForm } from './parse';
import { setField } from './rewrite';

/** Changing one field must change only the value's bytes: everything before and after stays. */
function expectOnlyValueChanged(before: string, after: string, oldValue: string, newValue: string) {
  const at = before.indexOf(oldValue);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(after).toBe(before.slice(0, at) + newValue + before.slice(at + oldValue.length));
}

const CELL = [
  '#@title Every field { run: "auto" }',
  '#@markdown Set the **parameters**:',
  "text = 'value' #@param {type:\"string\"}",
  'count = 3  #@param {type:"integer"}',
  'ratio = 0.5 #@param {type: "number"}',
  'level = 10 #@param {type:"slider", min:0, max:20, step:2}',
  'flag = True  # @param {type:"boolean"}',
  "day = '2024-01-31' #@param {type:\"date\"}",
  'expr = np.arange(3) #@param {type:"raw"}',
  "pick = 'b' #@param ['a', 'b', 'c']",
  'num = 2 #@param [1, 2, 3]',
  'free = "x" #@param ["x", "y"] {allow-input: true}',
  'plain = "inferred" #@param',
  '',
  'print(text, count)  # a comment with #@ in it',
].join('\r\n');

describe('changing a field rewrites only its value, as Colab writes it', () => {
  it('string: quoted in the quote style in use', () => {
    const after = setField(CELL, 'text#0', "it's \\ new");
    expectOnlyValueChanged(CELL, after, "'value'", "'it\\'s \\\\ new'");
    expect(parseForm(after).fields[0].value).toBe("it's \\ new");
  });

  it('string in double quotes stays in double quotes', () => {
    const src = 'name = "Ada" #@param {type:"string"}\n';
    expect(setField(src, 'name#0', 'Grace "G" Hopper')).toBe(
      'name = "Grace \\"G\\" Hopper" #@param {type:"string"}\n',
    );
  });

  it('string with a line break is escaped, not split over lines', () => {
    const after = setField(CELL, 'text#0', 'a\nb');
    expectOnlyValueChanged(CELL, after, "'value'", "'a\\nb'");
  });

  it('raw string prefix is kept when the value fits', () => {
    expect(setField("p = r'C:\\dir' #@param {type:\"string\"}", 'p#0', 'D:\\x')).toBe(
      "p = r'D:\\x' #@param {type:\"string\"}",
    );
    // A quote cannot live in a raw string: written as a plain escaped string instead.
    expect(setField("p = r'C:\\dir' #@param {type:\"string\"}", 'p#0', "it's")).toBe(
      "p = 'it\\'s' #@param {type:\"string\"}",
    );
  });

  it('integer: written as typed; not an integer keeps the code', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'count#0', '-12'), '3  #', '-12  #');
    expect(setField(CELL, 'count#0', '1.5')).toBe(CELL);
    expect(setField(CELL, 'count#0', '')).toBe(CELL);
  });

  it('number: floats and ints written as numbers', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'ratio#0', '1e-3'), '0.5 #', '1e-3 #');
    expectOnlyValueChanged(CELL, setField(CELL, 'ratio#0', '2'), '0.5 #', '2 #');
    expect(setField(CELL, 'ratio#0', 'abc')).toBe(CELL);
  });

  it('slider: a number on the step grid, ints stay ints', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'level#0', '14'), '10 #@param {type:"slider"', '14 #@param {type:"slider"');
    const fine = 'lr = 0.1 #@param {type:"slider", min:0, max:1, step:0.05}';
    expect(setField(fine, 'lr#0', '0.30000000000000004')).toBe(
      'lr = 0.3 #@param {type:"slider", min:0, max:1, step:0.05}',
    );
    expect(setField(fine, 'lr#0', '1')).toBe('lr = 1.0 #@param {type:"slider", min:0, max:1, step:0.05}');
    expect(setField(fine, 'lr#0', '0.45')).toBe('lr = 0.45 #@param {type:"slider", min:0, max:1, step:0.05}');
    const float = 'w = 1.0 #@param {type:"slider", min:0, max:5, step:1}';
    expect(setField(float, 'w#0', '3')).toBe('w = 3.0 #@param {type:"slider", min:0, max:5, step:1}');
  });

  it('boolean: True/False', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'flag#0', false), 'True  # @param', 'False  # @param');
    const back = setField(setField(CELL, 'flag#0', false), 'flag#0', true);
    expect(back).toBe(CELL);
  });

  it('date: a YYYY-MM-DD string in the quote style in use', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'day#0', '2025-12-01'), "'2024-01-31'", "'2025-12-01'");
    expect(setField(CELL, 'day#0', '31/01/2024')).toBe(CELL);
  });

  it('raw: verbatim; empty or multi-line keeps the code', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'expr#0', 'list(range(5))'), 'np.arange(3)', 'list(range(5))');
    expect(setField(CELL, 'expr#0', '  ')).toBe(CELL);
    expect(setField(CELL, 'expr#0', 'a\nb')).toBe(CELL);
  });

  it('dropdown of strings: the option, quoted in the style in use; unknown options refused', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'pick#0', 'c'), "'b' #@param ['a'", "'c' #@param ['a'");
    expect(setField(CELL, 'pick#0', 'zzz')).toBe(CELL);
  });

  it('dropdown of numbers: written as numbers', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'num#0', '3'), '2 #@param [1, 2, 3]', '3 #@param [1, 2, 3]');
  });

  it('dropdown with allow-input: any typed text, as a string', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'free#0', 'typed'), '"x" #@param ["x"', '"typed" #@param ["x"');
    expectOnlyValueChanged(CELL, setField(CELL, 'free#0', 'y'), '"x" #@param ["x"', '"y" #@param ["x"');
    const nums = 'n = 1 #@param [1, 2] {allow-input: true}';
    expect(setField(nums, 'n#0', '7')).toBe('n = 7 #@param [1, 2] {allow-input: true}');
  });

  it('dropdown of raw options: written verbatim', () => {
    const src = 'fn = np.mean #@param ["np.mean", "np.median"] {type:"raw"}';
    expect(setField(src, 'fn#0', 'np.median')).toBe('fn = np.median #@param ["np.mean", "np.median"] {type:"raw"}');
  });

  it('inferred fields write like their inferred type', () => {
    expectOnlyValueChanged(CELL, setField(CELL, 'plain#0', 'other'), '"inferred"', '"other"');
    expect(setField('n = 1 #@param', 'n#0', 'x')).toBe('n = 1 #@param');
    expect(setField('n = 1 #@param', 'n#0', '4')).toBe('n = 4 #@param');
  });

  it('an empty value gets one, with the space before the comment kept', () => {
    expect(setField('x = #@param', 'x#0', '5')).toBe('x = 5 #@param');
  });

  it('a second field with the same name is addressed by its occurrence', () => {
    expect(setField('x = 1 #@param\nx = 2 #@param', 'x#1', '9')).toBe('x = 1 #@param\nx = 9 #@param');
  });

  it('an unknown field or an unchanged value returns the very same code', () => {
    expect(setField(CELL, 'nope#0', 'x')).toBe(CELL);
    expect(setField(CELL, 'text#0', 'value')).toBe(CELL);
  });

  it('round trip: every field set to a new value then back gives the original code', () => {
    const changes: [string, string | boolean][] = [
      ['text#0', 'Z'],
      ['count#0', '99'],
      ['ratio#0', '7.25'],
      ['level#0', '20'],
      ['flag#0', false],
      ['day#0', '1999-12-31'],
      ['expr#0', 'None'],
      ['pick#0', 'a'],
      ['num#0', '1'],
      ['free#0', 'q'],
      ['plain#0', 'w'],
    ];
    const original = parseForm(CELL).fields;
    let code = CELL;
    for (const [key, value] of changes) code = setField(code, key, value);
    expect(code).not.toBe(CELL);
    // The code apart from the values is unchanged: same lines count, same comments.
    expect(code.split('\r\n').length).toBe(CELL.split('\r\n').length);
    expect(code.endsWith('print(text, count)  # a comment with #@ in it')).toBe(true);
    for (const f of original) code = setField(code, f.key, f.kind === 'boolean' ? f.checked : f.value);
    expect(code).toBe(CELL);
  });
});
