import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellId, cellsOf, indexOfCell, insertCells, notebookMetadata, setNotebookMetadata } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';
import { Outline } from './folding';

function fakeSession(sources: [string, string][], collapsed: string[] = []) {
  const doc = new Y.Doc();
  setNotebookMetadata(doc, 'colab', { provenance: [], collapsed_sections: collapsed });
  insertCells(
    doc,
    0,
    sources.map(([type, source], i) => ({ id: `c${i}`, cell_type: type as 'code', source, metadata: { id: `colab${i}` } })),
  );
  const cells = cellsOf(doc);
  const ran: string[][] = [];
  const session = {
    doc,
    cells,
    focus: signal(null),
    selected: signal<string | null>(null),
    indexOf: (id: string) => indexOfCell(doc, id),
    cellAt: (i: number) => (i >= 0 && i < cells.length ? cells.get(i) : undefined),
    run: async (ids: string[]) => void ran.push(ids),
  } as unknown as NotebookSession;
  return { session, doc, ran, ids: () => cells.map(cellId) };
}

const SECTIONS: [string, string][] = [
  ['markdown', '# Setup'],
  ['code', 'a = 1'],
  ['markdown', '## Data'],
  ['code', 'b'],
  ['code', 'c'],
  ['markdown', '# Results\n```\n# no\n```'],
  ['code', 'd'],
];

describe('section folding', () => {
  it('reads Colab folds and hides up to the next heading of the same level', () => {
    const { session } = fakeSession(SECTIONS, ['colab0']);
    const outline = new Outline(session);
    expect([...outline.folds.value.hidden]).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(outline.folds.value.hiddenCount.get('c0')).toBe(4);
    expect(outline.headings.value.map((h) => h.title)).toEqual(['Setup', 'Data', 'Results']);
  });

  it('folds and unfolds nested sections, writing collapsed_sections', () => {
    const { session, doc } = fakeSession(SECTIONS);
    const outline = new Outline(session);
    outline.setCollapsed('c2', true);
    expect(outline.folds.value.hiddenCount.get('c2')).toBe(2);
    outline.setCollapsed('c0', true);
    expect(outline.folds.value.hiddenCount.get('c0')).toBe(4);
    expect((notebookMetadata(doc).colab as { collapsed_sections: string[] }).collapsed_sections).toEqual(['colab2', 'colab0']);
    outline.setCollapsed('c0', false);
    expect(outline.folds.value.hiddenCount.get('c2')).toBe(2);
    outline.setCollapsed('c2', false);
    expect(outline.folds.value.hidden.size).toBe(0);
    expect((notebookMetadata(doc).colab as { collapsed_sections: string[] }).collapsed_sections).toEqual([]);
  });

  it('reveals a hidden cell by unfolding every section around it', () => {
    const { session } = fakeSession(SECTIONS, ['colab0', 'colab2']);
    const outline = new Outline(session);
    outline.reveal('c3');
    expect(outline.folds.value.hidden.size).toBe(0);
  });

  it('runs a section with its subsections', () => {
    const { session, ran } = fakeSession(SECTIONS);
    const outline = new Outline(session);
    outline.runSection('c0');
    outline.runSection('c2');
    expect(ran).toEqual([
      ['c0', 'c1', 'c2', 'c3', 'c4'],
      ['c2', 'c3', 'c4'],
    ]);
  });
});
