// The Help side panel (right): the last help page (`obj?`, `obj??`, help()) of a cell this
// person ran, rendered as the docs tooltip is.

import { useLayoutEffect, useRef } from 'preact/hooks';
import type { NotebookSession } from '../NotebookSession';
import { PanelFrame } from '../panels/PanelFrame';
import { renderDocsInto } from './docRender';
import { HELP_PANEL } from './help';

export function HelpPanel({ session }: { session: NotebookSession }) {
  const page = session.events.help.value;
  const host = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (host.current) renderDocsInto(host.current, page?.data ?? {});
  }, [page?.seq]);
  return (
    <PanelFrame session={session} id={HELP_PANEL} label="Help" as="aside">
      {page ? (
        // Scrolls by keyboard too (a long page of docs).
        <div ref={host} class="nb-help-page" tabIndex={0} role="document" aria-label="Help page" />
      ) : (
        <p class="nb-assist-empty">
          Run <code>name?</code> in a cell to read its documentation here (<code>name??</code> shows its source too).
        </p>
      )}
    </PanelFrame>
  );
}
