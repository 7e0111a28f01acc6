// Markdown and LaTeX for the output frame, in their own script that a frame loads only when an
// output needs it (KaTeX and markdown-it are most of the frame's weight). KaTeX's fonts are
// inlined as data: URLs because an opaque-origin frame cannot fetch fonts (CORS).

import katex from 'katex';
import katexCss from 'katex/dist/katex.min.css?inline';
import MarkdownIt from 'markdown-it';
import { mathPlugin } from './math';

function tex(source: string, displayMode: boolean): string {
  return katex.renderToString(source, { displayMode, throwOnError: false, output: 'html' });
}

const markdown = new MarkdownIt({ html: true, linkify: true }).use(mathPlugin(tex));

/** `$$x$$`, `$x$`, `\[x\]`, text with math inside, or bare LaTeX (`\begin{align}...`). */
function renderLatex(source: string): string {
  const text = source.trim();
  const display = /^\$\$([\s\S]*)\$\$$/.exec(text) ?? /^\\\[([\s\S]*)\\\]$/.exec(text);
  if (display) return tex(display[1], true);
  const inline = /^\$([^$]*)\$$/.exec(text);
  if (inline) return tex(inline[1], false);
  if (text.includes('$')) return markdown.render(text);
  return tex(text, true);
}

export interface Rich {
  css: string;
  renderMarkdown(source: string): string;
  renderLatex(source: string): string;
}

const rich: Rich = { css: katexCss, renderMarkdown: (source) => markdown.render(source), renderLatex };
(globalThis as unknown as { nbcloudRich: Rich }).nbcloudRich = rich;
