import { describe, expect, it } from 'vitest';
import { notebookToPython, pythonFileName } from './export';

describe('notebookToPython', () => {
  it('keeps code, comments out text, skips empty cells', () => {
    const script = notebookToPython(
      [
        { cell_type: 'markdown', source: '# Title\n\nSome text' },
        { cell_type: 'code', source: 'x = 1\nprint(x)\n' },
        { cell_type: 'code', source: '' },
        { cell_type: 'code', source: '!pip install foo' },
      ],
      'demo.ipynb',
    );
    expect(script).toBe(
      '# -*- coding: utf-8 -*-\n\n"""demo.ipynb"""\n\n# # Title\n#\n# Some text\n\nx = 1\nprint(x)\n\n!pip install foo\n',
    );
  });

  it('names the script after the notebook', () => {
    expect(pythonFileName('Untitled0.ipynb')).toBe('Untitled0.py');
  });
});
