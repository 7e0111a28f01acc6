// The headings of a markdown cell's source: ATX (# to ######), setext (a line underlined with
// === or ---) and <h1>..<h6> lines; nothing inside a fenced code block.

export interface HeadingLine {
  level: number;
  title: string;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HTML = /^\s*<h([1-6])(?:\s[^>]*)?>(.*?)<\/h\1>/i;

/** A heading's text as shown: without inline markup (links keep their text, tags go). */
export function plainTitle(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*|_|~~|`)(.+?)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

export function headingsOf(source: string): HeadingLine[] {
  const out: HeadingLine[] = [];
  const lines = source.split('\n');
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fenced = FENCE.exec(line);
    if (fence) {
      if (fenced && fenced[1][0] === fence[0] && fenced[1].length >= fence.length) fence = null;
      continue;
    }
    if (fenced) {
      fence = fenced[1];
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      out.push({ level: atx[1].length, title: plainTitle(atx[2] ?? '') });
      continue;
    }
    const html = HTML.exec(line);
    if (html) {
      out.push({ level: Number(html[1]), title: plainTitle(html[2]) });
      continue;
    }
    const next = lines[i + 1];
    if (next !== undefined && line.trim() && !/^ {4}/.test(line) && /^ {0,3}(=+|-+)[ \t]*$/.test(next)) {
      // A text line underlined with === or --- (a "---" after a blank line is a rule).
      out.push({ level: next.trim()[0] === '=' ? 1 : 2, title: plainTitle(line) });
      i++;
    }
  }
  return out;
}
