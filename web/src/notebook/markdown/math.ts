// A markdown-it plugin for TeX math as Jupyter and Colab write it: `$...$` inline,
// `$$...$$` inline or as a block. Rendered by KaTeX; a formula KaTeX cannot parse shows as
// its source with the error in a tooltip instead of breaking the cell.

import katex from 'katex';
import type { MarkdownIt, StateBlock, StateInline } from 'markdown-it';

function renderTex(tex: string, displayMode: boolean): string {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: false, output: 'htmlAndMathml' });
  } catch (error) {
    const escape = (text: string) =>
      text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    const shown = displayMode ? `$$${tex}$$` : `$${tex}$`;
    return `<span class="math-error" title="${escape(String(error))}">${escape(shown)}</span>`;
  }
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src[start] !== '$') return false;
  const display = src[start + 1] === '$';
  const open = display ? 2 : 1;
  // `$` followed by a space or a digit-after-space is not math ("costs $5 and $6").
  if (!display && (src[start + 1] === ' ' || src[start + 1] === undefined)) return false;
  let end = start + open;
  while (end < state.posMax) {
    if (src[end] === '\\') {
      end += 2;
      continue;
    }
    if (src[end] === '$' && (!display || src[end + 1] === '$')) break;
    end++;
  }
  if (end >= state.posMax) return false;
  const tex = src.slice(start + open, end);
  if (!tex.trim() || (!display && tex.endsWith(' '))) return false;
  if (!silent) {
    const token = state.push(display ? 'math_block_inline' : 'math_inline', 'math', 0);
    token.content = tex;
  }
  state.pos = end + open;
  return true;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  let max = state.eMarks[startLine];
  if (pos + 2 > max || state.src.slice(pos, pos + 2) !== '$$') return false;
  pos += 2;
  let firstLine = state.src.slice(pos, max);
  let lastLine = '';
  let next = startLine;
  let found = false;
  if (firstLine.trim().endsWith('$$')) {
    firstLine = firstLine.trim().slice(0, -2);
    found = true;
  }
  while (!found) {
    next++;
    if (next >= endLine) return false;
    pos = state.bMarks[next] + state.tShift[next];
    max = state.eMarks[next];
    const line = state.src.slice(pos, max);
    if (line.trim().endsWith('$$')) {
      lastLine = line.trim().slice(0, -2);
      found = true;
    }
  }
  if (silent) return true;
  state.line = next + 1;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content =
    (firstLine.trim() ? firstLine + '\n' : '') +
    state.getLines(startLine + 1, next, state.tShift[startLine], true) +
    (lastLine.trim() ? lastLine : '');
  token.map = [startLine, state.line];
  return true;
}

export function mathPlugin(md: MarkdownIt): void {
  md.inline.ruler.after('escape', 'math_inline', mathInline);
  md.block.ruler.after('blockquote', 'math_block', mathBlock, {
    alt: ['paragraph', 'reference', 'blockquote', 'list'],
  });
  md.renderer.rules.math_inline = (tokens, idx) => renderTex(tokens[idx].content, false);
  md.renderer.rules.math_block_inline = (tokens, idx) => renderTex(tokens[idx].content, true);
  md.renderer.rules.math_block = (tokens, idx) =>
    `<div class="math-display">${renderTex(tokens[idx].content, true)}</div>\n`;
}
