// The Table of contents side panel: the notebook's markdown headings, nested by level, live as
// the cells change. A heading goes to its cell; a section's heading folds it and runs it.

import { useComputed } from '@preact/signals';
import type { NotebookSession } from '../NotebookSession';
import { PanelIcon } from '../panels/icons';
import { PanelFrame } from '../panels/PanelFrame';
import { type Heading, outlineOf } from './folding';
import { Chevron, hiddenText } from './SectionFold';
import './toc.css';

interface Node {
  heading: Heading;
  children: Node[];
}

function tree(headings: Heading[]): Node[] {
  const roots: Node[] = [];
  const stack: Node[] = [];
  for (const heading of headings) {
    const node = { heading, children: [] };
    while (stack.length && stack[stack.length - 1].heading.level >= heading.level) stack.pop();
    (stack.length ? stack[stack.length - 1].children : roots).push(node);
    stack.push(node);
  }
  return roots;
}

/** Selects the heading's cell (unfolding what hides it) and scrolls it to the top. */
export function goToCell(session: NotebookSession, id: string): void {
  session.requestFocus(id);
  const scroll = (tries: number) => {
    const element = document.querySelector(`.nb-cell[data-cell-id="${CSS.escape(id)}"]`);
    if (element) element.scrollIntoView({ block: 'start' });
    else if (tries > 0) window.setTimeout(() => scroll(tries - 1), 30);
  };
  window.setTimeout(() => scroll(20), 0);
}

function Entry({ session, node, current }: { session: NotebookSession; node: Node; current: Heading | null }) {
  const outline = outlineOf(session);
  const { heading } = node;
  const title = heading.title || 'Untitled section';
  const collapsed = useComputed(() => outline.folds.value.collapsed.has(heading.cellId)).value;
  const hidden = useComputed(() => outline.folds.value.hiddenCount.get(heading.cellId) ?? 0).value;
  const folds = heading.opensSection;
  return (
    <li class="nb-toc-item">
      <div class={`nb-toc-row${current === heading ? ' nb-toc-current' : ''}`}>
        {folds ? (
          <button
            type="button"
            class="nb-fold-button"
            aria-label={`${collapsed ? 'Expand' : 'Collapse'} section ${title}`}
            title={collapsed ? 'Expand section' : 'Collapse section'}
            aria-expanded={!collapsed}
            onClick={() => outline.toggle(heading.cellId)}
          >
            <Chevron open={!collapsed} />
          </button>
        ) : (
          <span class="nb-toc-spacer" />
        )}
        <a
          href={`#cell-${heading.cellId}`}
          class={`nb-toc-link nb-toc-level-${heading.level}`}
          aria-current={current === heading ? 'location' : undefined}
          onClick={(event) => {
            event.preventDefault();
            goToCell(session, heading.cellId);
          }}
        >
          {title}
          {folds && collapsed && hidden > 0 && <span class="nb-toc-hidden"> ({hiddenText(hidden)})</span>}
        </a>
        {folds && (
          <button
            type="button"
            class="nb-fold-button nb-toc-run"
            aria-label={`Run section ${title}`}
            title="Run the cells of this section"
            onClick={() => outline.runSection(heading.cellId)}
          >
            <PanelIcon name="play" size={16} />
          </button>
        )}
      </div>
      {node.children.length > 0 && <TocList session={session} nodes={node.children} current={current} />}
    </li>
  );
}

function TocList({ session, nodes, current }: { session: NotebookSession; nodes: Node[]; current: Heading | null }) {
  return (
    <ul class="nb-toc-list">
      {nodes.map((node) => (
        <Entry key={`${node.heading.cellId}:${node.heading.index}:${node.heading.title}`} session={session} node={node} current={current} />
      ))}
    </ul>
  );
}

export function TocPanel({ session }: { session: NotebookSession }) {
  const outline = outlineOf(session);
  const headings = outline.headings.value;
  // The section of the selected cell: the last heading at or above it.
  const current = useComputed(() => {
    const selected = session.selected.value;
    const all = outline.headings.value;
    if (!selected) return null;
    const at = session.indexOf(selected);
    let found: Heading | null = null;
    for (const heading of all) {
      if (heading.index > at) break;
      found = heading;
    }
    return found;
  }).value;
  return (
    <PanelFrame session={session} id="toc" label="Table of contents" as="nav">
      {headings.length ? (
        <TocList session={session} nodes={tree(headings)} current={current} />
      ) : (
        <p class="nb-toc-empty">No headings yet. Headings in text cells (# Title) show here.</p>
      )}
    </PanelFrame>
  );
}
