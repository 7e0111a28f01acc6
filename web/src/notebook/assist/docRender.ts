// Docs (signature + docstring) as the tooltip and the Help panel show them: IPython's text with
// its ANSI colors (as outputs draw it), Markdown, or sanitized HTML.

import { AnsiUp } from 'ansi_up';
import DOMPurify from 'dompurify';
import { renderMarkdown } from '../markdown/render';
import '../outputs/outputs.css';
import { docsMime } from './logic';

/** Fills `host` with the rendered bundle; false when it holds nothing to show. */
export function renderDocsInto(host: HTMLElement, data: Record<string, unknown>): boolean {
  host.replaceChildren();
  const mime = docsMime(data);
  if (mime === null) return false;
  const source = String(data[mime]);
  if (mime === 'text/plain') {
    const pre = document.createElement('pre');
    pre.className = 'nb-docs-text';
    const ansi = new AnsiUp();
    ansi.use_classes = true; // the theme's 16 ANSI colors, as text outputs draw them (outputs.css)
    pre.innerHTML = ansi.ansi_to_html(source);
    host.append(pre);
  } else {
    const div = document.createElement('div');
    div.className = 'nb-docs-html';
    div.innerHTML =
      mime === 'text/markdown'
        ? renderMarkdown(source)
        : DOMPurify.sanitize(source, { FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'] });
    host.append(div);
  }
  return true;
}
