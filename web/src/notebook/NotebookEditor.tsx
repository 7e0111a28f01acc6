// The notebook editor (loaded on demand by pages/NotebookPage). Opens the live document and
// the runtime events socket at once (the runtime starts while the page loads), and says
// clearly when the notebook cannot be opened (signed out, not found, not a valid .ipynb).

import { useEffect, useRef, useState } from 'preact/hooks';
import { getItem } from '../api/drive';
import type { DriveItem } from '../api/types';
import { Link } from '../components/Link';
import { NotebookSession } from './NotebookSession';
import { NotebookView } from './NotebookView';
import { currentUrl, driveUrl } from '../state/router';
import { signInUrl, user } from '../state/session';
import { showToast } from '../state/toasts';
import type { CarriedEdits } from './sync/unsaved';

function openSession(id: string, carried: CarriedEdits | null = null, afterRejection = false): NotebookSession {
  const who = user.value;
  return new NotebookSession(id, who ? { name: who.display_name || who.username } : null, carried, afterRejection);
}

export function NotebookEditor({ id }: { id: string }) {
  const [session, setSession] = useState<NotebookSession | null>(null);
  const [item, setItem] = useState<DriveItem | null>(null);

  const current = useRef<NotebookSession | null>(null);

  useEffect(() => {
    const opened = openSession(id);
    current.current = opened;
    setSession(opened);
    getItem(id)
      .then(setItem)
      .catch(() => setItem(null));
    return () => current.current?.destroy();
  }, [id]);

  // The hub loaded the notebook afresh (a restart) or refused a change: open it again and
  // re-apply this page's unsaved edits (sync/unsaved.ts).
  const reload = session?.sync.value.reload ?? null;
  useEffect(() => {
    if (!session || !reload) return;
    if (reload.notice) showToast(reload.notice, 'error', 15_000);
    const next = openSession(id, reload.carried, reload.rejected);
    current.current = next;
    session.destroy();
    setSession(next);
  }, [reload]);

  useEffect(() => {
    if (item) document.title = `${item.name} - nbcloud`;
  }, [item?.name]);

  if (!session) return <main class="page nb-page" aria-label="Notebook" />;
  const sync = session.sync.value;
  const folder = item?.path.includes('/') ? item.path.slice(0, item.path.lastIndexOf('/')) : '';

  if (sync.problem) {
    return (
      <main class="page nb-page" aria-label="Notebook">
        <div class="nb-problem" role="alert">
          <h1>{sync.problem.kind === 'signed_out' ? 'Signed out' : 'This notebook cannot be opened'}</h1>
          <p>{sync.problem.message}</p>
          {sync.problem.kind === 'signed_out' ? (
            <Link href={signInUrl(currentUrl())} class="button button-primary">
              Sign in again
            </Link>
          ) : (
            <Link href={driveUrl(folder)} class="button">
              Back to Drive
            </Link>
          )}
        </div>
      </main>
    );
  }

  return (
    <main class="page nb-page" aria-label="Notebook" aria-busy={!sync.synced}>
      {!sync.synced && (
        <p class="nb-loading" role="status" aria-label="Loading notebook">
          {sync.state === 'disconnected' ? 'Connection lost. Reconnecting…' : 'Opening the notebook…'}
        </p>
      )}
      {sync.synced && sync.state === 'disconnected' && (
        <p class="nb-offline" role="alert">
          Connection lost. Reconnecting… Your changes are kept and sent when it is back.
        </p>
      )}
      {sync.synced && <NotebookView session={session} item={item} onRenamed={setItem} />}
    </main>
  );
}
