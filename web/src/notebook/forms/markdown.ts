// Renders a form's `#@markdown` text and title. The text is notebook content anyone with edit
// rights wrote, so the HTML is sanitized before it reaches the page.

import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: true, linkify: true });

// Links open in a new tab, away from the notebook.
const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('target', '_blank');
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

const PURIFY = { ADD_ATTR: ['target'], FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'] };

/** Safe HTML for a block of markdown. */
export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(md.render(text), PURIFY);
}

/** Safe HTML for one line of inline markdown (the title). */
export function renderInlineMarkdown(text: string): string {
  return DOMPurify.sanitize(md.renderInline(text), PURIFY);
}
