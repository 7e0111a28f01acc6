// A markdown-it rule for `$inline$` and `$$display$$` math (as Jupyter's Markdown has), drawn by
// the given renderer. Code spans and fenced code are untouched: rules never run inside them.

import type MarkdownIt from 'markdown-it';
import type { StateInline, Token } from 'markdown-it';

type Tex = (source: string, displayMode: boolean) => string;

export function mathPlugin(tex: Tex) {
  return (md: InstanceType<typeof MarkdownIt>) => {
    md.inline.ruler.after('escape', 'math', (state: StateInline, silent: boolean) => {
      const { src, pos } = state;
      if (src.charCodeAt(pos) !== 0x24 /* $ */) return false;
      const display = src.charCodeAt(pos + 1) === 0x24;
      const open = display ? 2 : 1;
      let end = pos + open;
      for (;;) {
        end = src.indexOf(display ? '$$' : '$', end);
        if (end < 0) return false;
        if (src.charCodeAt(end - 1) !== 0x5c /* \ */) break;
        end += 1;
      }
      const body = src.slice(pos + open, end);
      // "$5 and $6" is money, not math: inline math may not start or end with a space.
      if (!body.trim() || (!display && (/^\s/.test(body) || /\s$/.test(body)))) return false;
      if (!silent) {
        const token = state.push('math', '', 0);
        token.content = body;
        token.meta = { display };
      }
      state.pos = end + open;
      return true;
    });
    md.renderer.rules.math = (tokens: Token[], index: number) => tex(tokens[index].content, Boolean(tokens[index].meta?.display));
  };
}
