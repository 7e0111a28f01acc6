// The left column: New, My Drive, Trash, Admin (for administrators), storage.

import type { ComponentChildren } from 'preact';
import { location } from '../state/router';
import { user } from '../state/session';
import { Icon, type IconName } from './Icon';
import { Link } from './Link';
import { NewMenu } from './NewMenu';
import { StorageMeter } from './StorageMeter';

function NavLink({ href, icon, children }: { href: string; icon: IconName; children: ComponentChildren }) {
  const path = location.value.path;
  const active = path === href || path.startsWith(`${href}/`);
  return (
    <Link href={href} class={active ? 'nav-link nav-link-active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      <Icon name={icon} />
      <span>{children}</span>
    </Link>
  );
}

export function SideNav() {
  return (
    <aside class="sidenav">
      <NewMenu />
      <nav aria-label="Main">
        <NavLink href="/drive" icon="folder">
          My Drive
        </NavLink>
        <NavLink href="/trash" icon="trash">
          Trash
        </NavLink>
        {user.value?.is_admin && (
          <NavLink href="/admin" icon="shield">
            Admin
          </NavLink>
        )}
        <NavLink href="/account" icon="person">
          Account
        </NavLink>
      </nav>
      <StorageMeter />
    </aside>
  );
}
