// Markdown cells to safe HTML: markdown-it (tables, links, images, inline HTML as Jupyter
// allows) with KaTeX math, then DOMPurify. Images named `attachment:NAME` come from the
// cell's attachments, as in Jupyter.

import DOMPurify from 'dompurify';
import 'katex/dist/katex.min.css';
import './markdown.css';
import { attachmentDataUrl, type Attachments, attachmentName } from './attachments';
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

export type { Attachments };

// While a text cell renders, its attachments: `attachment:NAME` image sources become the data:
// URL of that attachment's image (attachments.ts); other sources are DOMPurify's to judge.
let rendering: Attachments | undefined;

DOMPurify.addHook('uponSanitizeAttribute', (node, data) => {
  if (rendering === undefined || node.tagName !== 'IMG' || data.attrName !== 'src') return;
  if (attachmentName(data.attrValue) === null) return;
  const url = attachmentDataUrl(data.attrValue, rendering);
  if (url) data.attrValue = url;
  else data.keepAttr = false;
});

export function renderMarkdown(source: string, attachments?: Attachments): string {
  rendering = attachments ?? {};
  try {
    return DOMPurify.sanitize(markdownToHtml(source), {
      ADD_ATTR: ['target'],
      ADD_DATA_URI_TAGS: ['img'],
      FORBID_TAGS: ['style', 'form', 'input', 'button'],
    });
  } finally {
    rendering = undefined;
  }
}
