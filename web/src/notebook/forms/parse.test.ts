import { describe, expect, it } from 'vitest';
import { formHidesCode, formOptions, hasForm, parseForm, type FormField } from './parse';

function only(source: string): FormField {
  const { fields } = parseForm(source);
  expect(fields).toHaveLength(1);
  return fields[0];
}

describe('a Colab form is read from the code', () => {
  it('reads the example from the seed tutorial (string fields and dropdowns)', () => {
    const source = [
      '#@title String fields',
      '',
      "text = 'value' #@param {type:\"string\"}",
      'dropdown = \'1st option\' #@param ["1st option", "2nd option", "3rd option"]',
      'text_and_dropdown = \'2nd option\' #@param ["1st option", "2nd option", "3rd option"] {allow-input: true}',
      '',
      'print(text)',
    ].join('\n');
    const form = parseForm(source);
    expect(form.title?.text).toBe('String fields');
    expect(form.fields.map((f) => [f.name, f.kind, f.value, f.allowInput])).toEqual([
      ['text', 'string', 'value', false],
      ['dropdown', 'dropdown', '1st option', false],
      ['text_and_dropdown', 'dropdown', '2nd option', true],
    ]);
    expect(form.fields[1].options.map((o) => o.label)).toEqual(['1st option', '2nd option', '3rd option']);
  });

  it('reads every explicit field type', () => {
    const source = [
      'a = "hi"  #@param {type: "string"}',
      'b = 1.5  #@param {type: "number"}',
      'c = 7  #@param {type: "integer"}',
      'd = 142  #@param {type: "slider", min: 100, max: 200, step: 2}',
      'e = True  #@param {type: "boolean"}',
      "f = '2010-11-05'  #@param {type: \"date\"}",
      'g = np.pi  #@param {type: "raw"}',
    ].join('\n');
    const f = parseForm(source).fields;
    expect(f.map((x) => x.kind)).toEqual(['string', 'number', 'integer', 'slider', 'boolean', 'date', 'raw']);
    expect(f.map((x) => x.value)).toEqual(['hi', '1.5', '7', '142', 'True', '2010-11-05', 'np.pi']);
    expect([f[3].min, f[3].max, f[3].step]).toEqual([100, 200, 2]);
    expect(f[4].checked).toBe(true);
  });

  it('gives a slider without bounds Colab-like defaults', () => {
    const f = only('x = 5 #@param {type:"slider"}');
    expect([f.min, f.max, f.step]).toEqual([0, 100, 1]);
  });

  it('reads negative and fractional slider bounds', () => {
    const f = only('lr = 0.01 #@param {type:"slider", min:-1, max:1.5, step:0.01}');
    expect([f.min, f.max, f.step]).toEqual([-1, 1.5, 0.01]);
  });

  it('infers the type of a plain #@param from its value', () => {
    const source = [
      "s = 'text' #@param",
      'i = 3 #@param',
      'n = 2.5e-3 #@param',
      'b = False #@param',
      'r = [1, 2] #@param',
      "e = '' #@param",
    ].join('\n');
    expect(parseForm(source).fields.map((f) => [f.name, f.kind, f.value])).toEqual([
      ['s', 'string', 'text'],
      ['i', 'integer', '3'],
      ['n', 'number', '2.5e-3'],
      ['b', 'boolean', 'False'],
      ['r', 'raw', '[1, 2]'],
      ['e', 'string', ''],
    ]);
  });

  it('reads dropdowns of numbers and of raw expressions', () => {
    const nums = only('k = 5 #@param [1, 5, 10]');
    expect(nums.kind).toBe('dropdown');
    expect(nums.options.map((o) => [o.label, o.isString])).toEqual([
      ['1', false],
      ['5', false],
      ['10', false],
    ]);
    expect(nums.value).toBe('5');
    const raw = only('fn = np.mean #@param ["np.mean", "np.median"] {type:"raw"}');
    expect(raw.rawOptions).toBe(true);
    expect(raw.value).toBe('np.mean');
  });

  it('reads the spaced forms Colab writes today', () => {
    const source = [
      '# @title Spaced { run: "auto" }',
      '# @markdown Some *text*',
      'x = "a" # @param {type:"string"}',
      'y = 2 # @param ["1", "2"]',
    ].join('\n');
    const form = parseForm(source);
    expect(form.title?.text).toBe('Spaced');
    expect(form.title?.options.runAuto).toBe(true);
    expect(form.items[0]).toMatchObject({ type: 'markdown', text: 'Some *text*' });
    expect(form.fields.map((f) => f.name)).toEqual(['x', 'y']);
  });

  it('joins consecutive #@markdown lines into one block and keeps their order with fields', () => {
    const source = [
      '#@title ## Tool { vertical-output: true, display-mode: "form" }',
      '#@markdown - item',
      '#@markdown     - nested',
      '#@markdown',
      '#@markdown para',
      'a = 1 #@param {type:"integer"}',
      '#@markdown ---',
      'b = 2 #@param {type:"integer"}',
    ].join('\n');
    const form = parseForm(source);
    expect(form.title?.text).toBe('Tool');
    expect(form.items.map((i) => (i.type === 'markdown' ? `md:${i.text}` : `field:${i.field.name}`))).toEqual([
      'md:- item\n    - nested\n\npara',
      'field:a',
      'md:---',
      'field:b',
    ]);
  });

  it('reads the title options', () => {
    const t = parseForm('#@title Settings { display-mode: "form", run: "auto", vertical-output: true, form-width: "50%" }')
      .title!;
    expect(t.text).toBe('Settings');
    expect(t.options).toEqual({ displayMode: 'form', runAuto: true, verticalOutput: true, formWidth: '50%' });
    expect(parseForm('#@title Plain').title!.options).toEqual({
      displayMode: null,
      runAuto: false,
      verticalOutput: false,
      formWidth: null,
    });
    expect(parseForm('#@title W {form-width: "300px"}').title!.options.formWidth).toBe('300px');
    expect(parseForm('#@title W {form-width: 250}').title!.options.formWidth).toBe('250px');
    // Not a CSS length: ignored rather than injected into a style.
    expect(parseForm('#@title W {form-width: "1px;color:red"}').title!.options.formWidth).toBe(null);
    // Braces in the title that are not an options object stay in the text.
    expect(parseForm('#@title Use {x} here').title!.text).toBe('Use {x} here');
  });

  it('says whether the code has a form and whether the form hides it', () => {
    expect(hasForm('print(1)')).toBe(false);
    expect(hasForm('x = 1  # a comment')).toBe(false);
    expect(hasForm('#@title Hello')).toBe(true);
    expect(hasForm('x = 1 #@param')).toBe(true);
    expect(hasForm('#@markdown hi')).toBe(true);
    expect(formHidesCode('#@title T {display-mode: "form"}\nx = 1')).toBe(true);
    expect(formHidesCode('#@title T {display-mode: "both"}\nx = 1')).toBe(false);
    expect(formHidesCode('#@title T\nx = 1')).toBe(false);
    expect(formHidesCode('x = 1 #@param')).toBe(false);
  });

  it('gives the title options to the editor (vertical output, auto run)', () => {
    expect(formOptions('print(1)')).toBe(null);
    expect(formOptions('x = 1 #@param')).toBe(null);
    expect(formOptions('# @title T { vertical-output: true, run: "auto" }')).toMatchObject({
      verticalOutput: true,
      runAuto: true,
    });
    expect(formOptions("#@title T {run: 'manual', 'display-mode': 'code'}")).toMatchObject({
      runAuto: false,
      displayMode: 'code',
    });
  });

  it('gives repeated names distinct keys', () => {
    const f = parseForm('x = 1 #@param\nx = 2 #@param').fields;
    expect(f.map((x) => x.key)).toEqual(['x#0', 'x#1']);
  });

  it('finds the value even when strings hold # and quotes', () => {
    const f = only(`s = "a # not a comment, it's text" #@param {type:"string"}`);
    expect(f.value).toBe("a # not a comment, it's text");
    const g = only(`t = 'say \\'hi\\'\\n' #@param {type:"string"}`);
    expect(g.value).toBe("say 'hi'\n");
  });

  it('accepts indentation, annotations, attributes and CRLF line ends', () => {
    const source = 'if True:\r\n    x: int = 3  #@param {type:"integer"}\r\n    cfg.lr = 0.1 #@param\r\n';
    const f = parseForm(source).fields;
    expect(f.map((x) => [x.name, x.value])).toEqual([
      ['x', '3'],
      ['cfg.lr', '0.1'],
    ]);
    expect(source.slice(f[0].valueStart, f[0].valueEnd)).toBe('3');
  });

  it('treats lines it cannot read as code, never throwing', () => {
    const garbage = [
      'x = #@param',
      'y = 1 #@param {type:"slider", min:}',
      'z = "unterminated #@param',
      'w == 1 #@param',
      'v += 1 #@param',
      'u = 1 #@param [1, 2',
      'q = 1 # @paramount',
      '#@title',
      '#@title {{{',
      '#@markdown',
      '@param = 3',
      'p = 1 #@param {type:"string"} trailing junk',
      '= 4 #@param',
      '\u0000\uffff #@param',
      '',
    ].join('\n');
    const form = parseForm(garbage);
    // Only the empty `x = #@param` is a (raw) field; the rest is code.
    expect(form.fields.map((f) => [f.name, f.kind])).toEqual([['x', 'raw']]);
    expect(form.title?.text).toBe('');
    expect(() => parseForm('{'.repeat(5000) + '#@title ' + '['.repeat(5000))).not.toThrow();
    for (let i = 0; i < 200; i++) {
      const random = Array.from({ length: 60 }, () =>
        String.fromCharCode(' #@=[]{}"\':,.\\-0123abcparmtilekdown\n'.charCodeAt(Math.floor(Math.random() * 38))),
      ).join('');
      expect(() => parseForm(random)).not.toThrow();
    }
  });

  it('accepts a further comment after the spec', () => {
    expect(only('n = 3 #@param {type:"integer"} # how many').kind).toBe('integer');
  });

  it('reads the quote style in use', () => {
    expect(only("a = 'x' #@param").quote).toBe("'");
    expect(only('a = "x" #@param').quote).toBe('"');
    // A non-string value takes the list's style, then the cell's style.
    expect(only("a = 1 #@param ['1', '2']").quote).toBe("'");
    const f = parseForm("a = 'x' #@param\nb = None #@param {type:\"string\"}").fields;
    expect(f[1].quote).toBe("'");
  });

  it('reads a text field placeholder', () => {
    expect(only('name = "" #@param {type:"string", placeholder:"Your name"}').placeholder).toBe('Your name');
  });
});
