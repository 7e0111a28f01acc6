// Markdown cells to safe HTML: markdown-it (tables, links, images, inline HTML as Jupyter
// allows) with KaTeX math, then DOMPurify. Images named `attachment:NAME` come from the
// cell's attachments, as in Jupyter.

import DOMPurify from 'dompurify';
import 'katex/dist/katex.min.css';
import './markdown.css';
import { markdownToHtml } from './markdown';

// Links open in a new tab and never get the page as their opener.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

// Markdown never draws outside its cell (a fixed full-page box could fake the app or a sign-in
// form over it): no fixed or sticky boxes at all. markdown.css contains the rest (absolute
// boxes, transforms) within the cell. The hook is DOMPurify's, so forms' markdown gets it too.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  const style = (node as Partial<ElementCSSInlineStyle>).style;
  if (style && /fixed|sticky/i.test(style.position)) style.removeProperty('position');
});

export type Attachments = Record<string, Record<string, string>>;

function resolveAttachments(html: string, attachments: Attachments | undefined): string {
  if (!attachments) return html;
  return html.replace(/(src=")attachment:([^"]+)"/g, (whole, prefix: string, name: string) => {
    const bundle = attachments[decodeURIComponent(name)];
    if (!bundle) return whole;
    const [mime, data] = Object.entries(bundle).find(([type]) => type.startsWith('image/')) ?? [];
    return mime && data ? `${prefix}data:${mime};base64,${String(data).replace(/\s/g, '')}"` : whole;
  });
}

export function renderMarkdown(source: string, attachments?: Attachments): string {
  const html = resolveAttachments(markdownToHtml(source), attachments);
  return DOMPurify.sanitize(html, {
    ADD_ATTR: ['target'],
    ADD_DATA_URI_TAGS: ['img'],
    FORBID_TAGS: ['style', 'form', 'input', 'button'],
  });
}
