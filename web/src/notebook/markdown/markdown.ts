// markdown-it as notebooks use it (tables, links, inline HTML, TeX math); unsanitized HTML.
// render.ts sanitizes it for the page.

import MarkdownIt from 'markdown-it';
import { mathPlugin } from './math';

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });
md.use(mathPlugin);

export function markdownToHtml(source: string): string {
  return md.render(source);
}
