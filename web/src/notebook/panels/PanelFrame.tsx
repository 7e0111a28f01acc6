// The frame every side panel shares: its landmark, title row and Close button.

import type { ComponentChildren } from 'preact';
import { h } from 'preact';
import type { NotebookSession } from '../NotebookSession';
import { PanelIcon } from './icons';

interface FrameProps {
  session: NotebookSession;
  /** The panel's id in PANELS (its close button closes it). */
  id: string;
  label: string;
  /** The landmark: 'aside' (complementary), 'nav' (the table of contents) or 'section' (region). */
  as?: 'aside' | 'nav' | 'section';
  /** Extra buttons in the panel's title row, before Close. */
  tools?: ComponentChildren;
  children: ComponentChildren;
}

/** A side panel's frame: its landmark, title and Close button. */
export function PanelFrame({ session, id, label, as = 'aside', tools, children }: FrameProps) {
  return h(
    as,
    { class: `nb-side-panel nb-side-panel-${id}`, 'aria-label': label },
    <div class="nb-side-panel-head">
      <h2 class="nb-side-panel-title">{label}</h2>
      <div class="nb-side-panel-tools">
        {tools}
        <button
          type="button"
          class="nb-icon-button"
          aria-label={`Close ${label.toLowerCase()} panel`}
          title="Close"
          onClick={() => session.panels.closePanel(id)}
        >
          <PanelIcon name="close" size={18} />
        </button>
      </div>
    </div>,
    <div class="nb-side-panel-body">{children}</div>,
  );
}
