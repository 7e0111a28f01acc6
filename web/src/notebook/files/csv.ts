// A small CSV reader for the file viewer's table (RFC 4180: quotes, doubled quotes, line breaks
// inside quotes). It reads at most `maxRows` rows; the viewer shows the start of big files only.

export interface CsvTable {
  rows: string[][];
  /** More rows followed in the text than were read. */
  more: boolean;
}

export function parseCsv(text: string, maxRows = 500, delimiter = ','): CsvTable {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    field = '';
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      if (rows.length >= maxRows) return { rows, more: i + 1 < text.length };
    } else {
      field += c;
    }
    i++;
  }
  if (field !== '' || row.length) endRow();
  return { rows, more: false };
}
