import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellsOf, createYCell } from '../model/cells';
import { isOutputCollapsed, isOutputScrolled, toggleOutputCollapsed, toggleOutputScrolled } from './commands';

function cell(metadata: Record<string, unknown> = {}, type: 'code' | 'markdown' = 'code') {
  const doc = new Y.Doc();
  const ycell = createYCell({ cell_type: type, source: 'x', metadata });
  cellsOf(doc).push([ycell]);
  return ycell;
}

const metadata = (ycell: Y.Map<unknown>) => (ycell.get('metadata') as Y.Map<unknown>).toJSON();

describe('hiding outputs', () => {
  it('sets and removes nbformat collapsed', () => {
    const ycell = cell();
    toggleOutputCollapsed(ycell);
    expect(isOutputCollapsed(ycell)).toBe(true);
    expect(metadata(ycell)).toEqual({ collapsed: true });
    toggleOutputCollapsed(ycell);
    expect(isOutputCollapsed(ycell)).toBe(false);
    expect(metadata(ycell)).toEqual({});
  });

  it("reads JupyterLab's outputs_hidden and shows them again for it too", () => {
    const ycell = cell({ jupyter: { outputs_hidden: true, source_hidden: true } });
    expect(isOutputCollapsed(ycell)).toBe(true);
    toggleOutputCollapsed(ycell);
    expect(isOutputCollapsed(ycell)).toBe(false);
    expect(metadata(ycell)).toEqual({ jupyter: { source_hidden: true } });
  });

  it('leaves text cells alone', () => {
    const ycell = cell({}, 'markdown');
    toggleOutputCollapsed(ycell);
    toggleOutputScrolled(ycell);
    expect(metadata(ycell)).toEqual({});
  });
});

describe('scrolling outputs', () => {
  it('sets and removes nbformat scrolled', () => {
    const ycell = cell({ scrolled: 'auto' });
    expect(isOutputScrolled(ycell)).toBe(false);
    toggleOutputScrolled(ycell);
    expect(metadata(ycell)).toEqual({ scrolled: true });
    toggleOutputScrolled(ycell);
    expect(metadata(ycell)).toEqual({});
  });
});
