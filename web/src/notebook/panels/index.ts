// Contract C3: every side panel. A feature adds its panel with ONE import line and ONE entry
// below; left panels get a button on the rail (in this order), right panels open from their
// feature (help from `obj?`, the scratch cell).

import type { ComponentChild, VNode } from 'preact';
import { h } from 'preact';
import { assistPanels } from '../assist/panels';
import { SecretsPanel } from '../colab/SecretsPanel';
import { FilesPanel } from '../files/FilesPanel';
import { FindPanel } from '../find/FindPanel';
import type { NotebookSession } from '../NotebookSession';
import { TocPanel } from '../toc/TocPanel';
import type { PanelIconName } from './icons';
import { type PanelSide, panelSides } from './state';

export interface PanelDef {
  id: string;
  /** The rail button's accessible name and the panel's title. */
  label: string;
  side: PanelSide;
  /** The rail's icon: a name from panels/icons.tsx, or a VNode of one's own. */
  icon: VNode | PanelIconName;
  /** The panel's content: its own landmark (<aside>/<nav>/<section> with an aria-label). */
  render: (session: NotebookSession) => ComponentChild;
}

export const PANELS: PanelDef[] = [
  { id: 'toc', label: 'Table of contents', side: 'left', icon: 'toc', render: (session) => h(TocPanel, { session }) },
  { id: 'find', label: 'Find and replace', side: 'left', icon: 'search', render: (session) => h(FindPanel, { session }) },
  { id: 'files', label: 'Files', side: 'left', icon: 'folder', render: (session) => h(FilesPanel, { session }) },
  { id: 'secrets', label: 'Secrets', side: 'left', icon: 'key', render: (session) => h(SecretsPanel, { session }) },
  ...assistPanels,
];

/** The rail lists left panels in this order (others after them, in PANELS order). */
const RAIL_ORDER = ['toc', 'find', 'variables', 'secrets', 'files'];

export function railPanels(): PanelDef[] {
  const rank = (id: string) => {
    const at = RAIL_ORDER.indexOf(id);
    return at < 0 ? RAIL_ORDER.length : at;
  };
  return PANELS.filter((panel) => panel.side === 'left').sort((a, b) => rank(a.id) - rank(b.id));
}

export const panelById = (id: string | null) => (id ? PANELS.find((panel) => panel.id === id) ?? null : null);

for (const panel of PANELS) panelSides.set(panel.id, panel.side);
