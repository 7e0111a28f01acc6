// The rail of side-panel buttons at the notebook's left edge (as in Colab), the left panel
// it opens, and the right panel host. A panel's own content comes from panels/index.ts.

import type { NotebookSession } from '../NotebookSession';
import { PanelIcon } from './icons';
import { panelById, railPanels } from './index';
import { panelDomId } from './state';
import './panels.css';

export function PanelRail({ session }: { session: NotebookSession }) {
  const open = session.panels.left.value;
  const onKeyDown = (event: KeyboardEvent) => {
    // Up/Down move between the rail's buttons (Tab still reaches each one).
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const next = (at + (event.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length;
    buttons[next].focus();
  };
  return (
    <div class="nb-rail" role="toolbar" aria-label="Side panels" aria-orientation="vertical" onKeyDown={onKeyDown}>
      {railPanels().map((panel) => (
        <button
          key={panel.id}
          type="button"
          class={`nb-rail-button${open === panel.id ? ' nb-rail-open' : ''}`}
          aria-label={panel.label}
          title={panel.label}
          aria-expanded={open === panel.id}
          aria-controls={panelDomId(panel.id)}
          onClick={() => session.panels.toggle(panel.id)}
        >
          {typeof panel.icon === 'string' ? <PanelIcon name={panel.icon as never} /> : panel.icon}
        </button>
      ))}
    </div>
  );
}

function Host({ session, side }: { session: NotebookSession; side: 'left' | 'right' }) {
  const panel = panelById(session.panels[side].value);
  if (!panel || panel.side !== side) return null;
  return (
    <div class={`nb-panel-host nb-panel-${side}`} id={panelDomId(panel.id)} key={panel.id}>
      {panel.render(session)}
    </div>
  );
}

export const LeftPanel = ({ session }: { session: NotebookSession }) => <Host session={session} side="left" />;
export const RightPanel = ({ session }: { session: NotebookSession }) => <Host session={session} side="right" />;
