// Client-side export of a notebook to a Python script, as Colab's "Download .py" does:
// code cells as they are, markdown cells as `# ` comment lines, cells apart by blank lines.

export interface ExportCell {
  cell_type: string;
  source: string;
}

export function notebookToPython(cells: ExportCell[], title = ''): string {
  const parts: string[] = [];
  parts.push('# -*- coding: utf-8 -*-');
  if (title) parts.push(`"""${title.replace(/"""/g, "'''")}"""`);
  for (const cell of cells) {
    const source = cell.source.replace(/\s+$/, '');
    if (!source) continue;
    if (cell.cell_type === 'code') {
      parts.push(source);
    } else if (cell.cell_type === 'markdown' || cell.cell_type === 'raw') {
      parts.push(
        source
          .split('\n')
          .map((line) => (line ? `# ${line}` : '#'))
          .join('\n'),
      );
    }
  }
  return parts.join('\n\n') + '\n';
}

/** "Untitled0.ipynb" -> "Untitled0.py". */
export function pythonFileName(notebookName: string): string {
  return notebookName.replace(/\.ipynb$/i, '') + '.py';
}
