// Contract C3: which side panel is open. One panel at a time on the left (table of contents,
// find and replace, variables, secrets, files: the rail's buttons) and one on the right (help,
// the scratch cell). The left and right panels open are remembered in this browser.

import { signal } from '@preact/signals';

export type PanelSide = 'left' | 'right';

/** Each panel's side, filled in by panels/index.ts from PANELS (unknown ids open on the left). */
export const panelSides = new Map<string, PanelSide>();

const KEYS: Record<PanelSide, string> = { left: 'nbcloud.leftPanel', right: 'nbcloud.rightPanel' };
/** What the Files panel remembered before the rail existed. */
const OLD_FILES_KEY = 'nbcloud.filesPanel';

function remembered(side: PanelSide): string | null {
  try {
    const value = window.localStorage.getItem(KEYS[side]);
    if (value !== null) return value || null;
    if (side === 'left' && window.localStorage.getItem(OLD_FILES_KEY) === 'open') return 'files';
  } catch {
    // private mode: nothing remembered
  }
  return null;
}

function remember(side: PanelSide, id: string | null): void {
  try {
    window.localStorage.setItem(KEYS[side], id ?? '');
  } catch {
    // private mode: not remembered
  }
}

/** The DOM id of a panel's host element (the rail's buttons point at it with aria-controls). */
export const panelDomId = (id: string) => `nb-panel-${id}`;

export class PanelsState {
  readonly left = signal<string | null>(remembered('left'));
  readonly right = signal<string | null>(remembered('right'));
  /** The left panel open only because this browser remembered it (until a panel is opened or
   * closed here): the Files panel then offers Connect instead of starting a runtime. */
  restored: string | null = this.left.value;

  sideOf(id: string): PanelSide {
    return panelSides.get(id) ?? 'left';
  }

  isOpen(id: string): boolean {
    return this[this.sideOf(id)].value === id;
  }

  open(id: string): void {
    const side = this.sideOf(id);
    if (side === 'left') this.restored = null;
    this[side].value = id;
    remember(side, id);
  }

  close(side: PanelSide): void {
    if (side === 'left') this.restored = null;
    this[side].value = null;
    remember(side, null);
  }

  /** Closes the panel `id` if it is open (not another panel on its side). */
  closePanel(id: string): void {
    if (this.isOpen(id)) this.close(this.sideOf(id));
  }

  toggle(id: string): void {
    if (this.isOpen(id)) this.close(this.sideOf(id));
    else this.open(id);
  }
}
