import { describe, expect, it } from 'vitest';
import { markdownToHtml } from './markdown';

describe('markdownToHtml', () => {
  it('renders inline and display math, tables and images', () => {
    const html = markdownToHtml(
      '# Title\n\nEnergy $E = mc^2$ and\n\n$$\\int_0^1 x\\,dx = \\frac{1}{2}$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n' +
        '![dot](data:image/png;base64,iVBORw0KGgo=)\n\nInline $$x^2$$ display.',
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html.match(/class="katex"/g)?.length).toBe(3);
    expect(html.match(/class="katex-display"/g)?.length).toBe(2);
    expect(html).toContain('<table>');
    expect(html).toContain('alt="dot"');
  });

  it('renders a display block over several lines', () => {
    const html = markdownToHtml('$$\na + b\n= c\n$$\n\nafter');
    expect(html).toContain('katex-display');
    expect(html).toContain('<p>after</p>');
  });

  it('leaves dollar amounts and code alone', () => {
    expect(markdownToHtml('costs $ 5 and $ 6')).not.toContain('katex');
    expect(markdownToHtml('`$x$`')).toContain('<code>$x$</code>');
  });

  it('shows a formula KaTeX cannot parse as its source', () => {
    expect(markdownToHtml('$\\frac{1}{$')).toContain('\\frac');
  });
});
