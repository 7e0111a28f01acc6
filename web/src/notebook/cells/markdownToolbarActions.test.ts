import { EditorSelection, EditorState, type TransactionSpec } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { cycleHeading, insertLink, insertRule, MARKDOWN_ACTIONS, togglePrefix, wrapSelection } from './markdownToolbarActions';

/** `doc` with the selection written as [ and ] (or | for a caret), after applying `action`. */
function apply(doc: string, action: (state: EditorState) => TransactionSpec): string {
  const from = doc.includes('|') ? doc.indexOf('|') : doc.indexOf('[');
  const to = doc.includes('|') ? from : doc.indexOf(']') - 1;
  const text = doc.replace(/[[\]|]/g, '');
  const state = EditorState.create({ doc: text, selection: EditorSelection.range(from, to) });
  const next = state.update(action(state)).state;
  const { from: a, to: b } = next.selection.main;
  const out = next.doc.toString();
  return a === b ? `${out.slice(0, a)}|${out.slice(a)}` : `${out.slice(0, a)}[${out.slice(a, b)}]${out.slice(b)}`;
}

const bold = (s: EditorState) => wrapSelection(s, '**', '**', 'strong text');

describe('the text toolbar', () => {
  it('makes the selection bold, and plain again', () => {
    expect(apply('say [hello] now', bold)).toBe('say **[hello]** now');
    expect(apply('say **[hello]** now', bold)).toBe('say [hello] now');
    expect(apply('say [**hello**] now', bold)).toBe('say [hello] now');
  });

  it('inserts a selected placeholder at a caret', () => {
    expect(apply('a | b', bold)).toBe('a **[strong text]** b');
  });

  it('makes a link of the selection with its address selected', () => {
    expect(apply('see [docs]', insertLink)).toBe('see [docs]([https://])');
  });

  it('cycles headings', () => {
    expect(apply('Ti|tle', cycleHeading)).toBe('# Ti|tle');
    expect(apply('# Ti|tle', cycleHeading)).toBe('## Ti|tle');
    expect(apply('### Ti|tle', cycleHeading)).toBe('Ti|tle');
  });

  it('numbers the selected lines, replacing bullets, and removes the numbers again', () => {
    const numbered = MARKDOWN_ACTIONS.find((a) => a.id === 'numbered')!.apply;
    expect(apply('[a\n- b]', numbered)).toBe('1. [a\n2. b]');
    expect(apply('[1. a\n2. b]', numbered)).toBe('[a\nb]');
  });

  it('quotes lines and not the line a selection ends at the start of', () => {
    const quote = (s: EditorState) => togglePrefix(s, () => '> ', /^> ?/);
    expect(apply('[a\nb\n]c', quote)).toBe('> [a\n> b\n]c');
  });

  it('puts a rule on its own line', () => {
    expect(apply('text|', insertRule)).toBe('text\n\n---\n|');
  });

  it('has Ctrl+B and Ctrl+I', () => {
    expect(MARKDOWN_ACTIONS.filter((a) => a.key).map((a) => [a.label, a.key])).toEqual([
      ['Bold', 'Mod-b'],
      ['Italic', 'Mod-i'],
    ]);
  });
});
