// Placeholder until the notebook editor lands.

import { useEffect, useState } from 'preact/hooks';
import { getItem } from '../api/drive';
import type { DriveItem } from '../api/types';
import { Icon } from '../components/Icon';
import { Link } from '../components/Link';
import { driveUrl } from '../state/router';

export function NotebookPage({ id }: { id: string }) {
  const [item, setItem] = useState<DriveItem | null>(null);
  useEffect(() => {
    getItem(id).then(setItem).catch(() => setItem(null));
  }, [id]);
  const folder = item?.path.includes('/') ? item.path.slice(0, item.path.lastIndexOf('/')) : '';
  return (
    <main class="page" aria-label="Notebook">
      <div class="empty-state">
        <Icon name="code" size={64} class="tone-notebook" />
        <h1 class="page-title">{item ? item.name : 'Notebook'}</h1>
        <p>The notebook editor is coming.</p>
        <Link href={driveUrl(folder)} class="button">
          Back to Drive
        </Link>
      </div>
    </main>
  );
}
