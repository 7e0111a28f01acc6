// My Drive › folder › subfolder, each a link but the last.

import type { Breadcrumb } from '../api/types';
import { driveUrl } from '../state/router';
import { Icon } from './Icon';
import { Link } from './Link';

export function Breadcrumbs({ crumbs }: { crumbs: Breadcrumb[] }) {
  const trail = crumbs.length && crumbs[0].path === '' ? crumbs : [{ name: 'My Drive', path: '' }, ...crumbs];
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumbs">
      <ol>
        {trail.map((crumb, index) => {
          const last = index === trail.length - 1;
          return (
            <li key={crumb.path}>
              {index > 0 && <Icon name="chevronRight" class="crumb-separator" />}
              {last ? (
                <span class="crumb crumb-current" aria-current="page">
                  {crumb.name || 'My Drive'}
                </span>
              ) : (
                <Link class="crumb" href={driveUrl(crumb.path)}>
                  {crumb.name || 'My Drive'}
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
