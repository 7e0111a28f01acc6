// The Variables side panel (left): the user's variables in the runtime (name, type, shape,
// memory, value), asked for when the panel opens, after each run and on Refresh. Asking runs
// nothing in the user's namespace and leaves the execution count alone (the hub's side helper).
// A DataFrame opens as Colab's interactive table in a dialog.

import { useEffect, useRef, useState } from 'preact/hooks';
import { Dialog } from '../../components/Dialog';
import type { NotebookSession } from '../NotebookSession';
import { OutputArea } from '../outputs/OutputArea';
import { PanelFrame } from '../panels/PanelFrame';
import type { VariableInfo } from '../runtime/protocol';
import type { Output } from '../types';
import { formatBytes } from './logic';

export const VARIABLES_PANEL = 'variables';

type Listing =
  | { state: 'loading' }
  | { state: 'none'; why: string }
  | { state: 'ok'; variables: VariableInfo[] };

export function VariablesPanel({ session }: { session: NotebookSession }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [refreshing, setRefreshing] = useState(false);
  const [viewing, setViewing] = useState<{ name: string; output: Output | null; error: string | null } | null>(null);
  const asked = useRef(0);

  const refresh = async () => {
    const ask = ++asked.current;
    setRefreshing(true);
    const reply = await session.events.variables();
    if (ask !== asked.current) return; // a newer answer is on its way
    setRefreshing(false);
    if (!reply) setListing({ state: 'none', why: 'The notebook is not connected to the hub. Run a cell to see variables.' });
    else if (reply.error === 'no runtime') setListing({ state: 'none', why: 'No runtime is connected. Run a cell to see variables.' });
    else if (reply.error) setListing({ state: 'none', why: `The runtime could not list the variables: ${reply.error}` });
    else setListing({ state: 'ok', variables: reply.variables });
  };

  // On open, and whenever a run finishes (the runtime goes from busy to idle).
  const status = session.events.status.value?.status ?? null;
  const connected = session.events.connected.value;
  const previous = useRef<string | null>(null);
  useEffect(() => {
    const was = previous.current;
    previous.current = status;
    if (was === null || (was !== 'idle' && status === 'idle') || status === 'none' || status === 'dead') void refresh();
  }, [status, connected]);

  const open = async (name: string) => {
    setViewing({ name, output: null, error: null });
    const reply = await session.events.variableView(name);
    const error = !reply ? 'The runtime did not answer.' : reply.error ?? null;
    const output: Output | null = reply && !reply.error ? ({ output_type: 'display_data', data: reply.data, metadata: {} } as Output) : null;
    setViewing((now) => (now?.name === name ? { name, output, error } : now));
  };

  return (
    <PanelFrame
      session={session}
      id={VARIABLES_PANEL}
      label="Variables"
      as="section"
      tools={
        <button type="button" class="nb-icon-button" aria-label="Refresh variables" title="Refresh" onClick={() => void refresh()} disabled={refreshing}>
          <RefreshIcon />
        </button>
      }
    >
      {listing.state === 'loading' && <p class="nb-assist-empty">Loading variables…</p>}
      {listing.state === 'none' && <p class="nb-assist-empty">{listing.why}</p>}
      {listing.state === 'ok' && listing.variables.length === 0 && <p class="nb-assist-empty">No variables yet. Run a cell that defines some.</p>}
      {listing.state === 'ok' && listing.variables.length > 0 && (
        <div class="nb-variables-scroll">
          <table class="nb-variables">
            <caption class="visually-hidden">The runtime's variables</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Shape</th>
                <th scope="col">Memory</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {listing.variables.map((variable) => (
                <tr key={variable.name}>
                  <th scope="row" class="nb-variables-name">
                    {variable.name}
                  </th>
                  <td>
                    <span class="nb-variables-type">
                      {variable.type}
                      {variable.is_dataframe && (
                        <button
                          type="button"
                          class="nb-icon-button nb-variables-open"
                          aria-label={`Open DataFrame ${variable.name} as interactive table`}
                          title="Open as interactive table"
                          onClick={() => void open(variable.name)}
                        >
                          <TableIcon />
                        </button>
                      )}
                    </span>
                  </td>
                  <td>{variable.shape ?? variable.size ?? ''}</td>
                  <td>{formatBytes(variable.memory)}</td>
                  <td class="nb-variables-value" title={variable.value}>
                    {variable.value}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {viewing && (
        <Dialog title={`DataFrame ${viewing.name}`} onClose={() => setViewing(null)} wide className="nb-variable-view">
          {viewing.error ? (
            <p role="alert">Could not open {viewing.name}: {viewing.error}</p>
          ) : viewing.output ? (
            <OutputArea notebookId={session.id} cellId={`variable-view-${viewing.name}`} outputs={[viewing.output]} />
          ) : (
            <p>Loading {viewing.name}…</p>
          )}
          <div class="dialog-actions">
            <button type="button" class="button" onClick={() => setViewing(null)}>
              Close
            </button>
          </div>
        </Dialog>
      )}
    </PanelFrame>
  );
}

function RefreshIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
      <path d="M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z" />
    </svg>
  );
}

function TableIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
      <path d="M3 3h18v18H3V3zm2 2v4h6V5H5zm8 0v4h6V5h-6zm-8 6v4h6v-4H5zm8 0v4h6v-4h-6zm-8 6v2h6v-2H5zm8 0v2h6v-2h-6z" />
    </svg>
  );
}

