// The bar across the top: the product name, Settings (theme, editor) and the user menu (account,
// admin, sign out).

import { openSettings } from '../notebook/settings/SettingsDialog';
import { navigate } from '../state/router';
import { signOut, user } from '../state/session';
import { attempt } from '../state/toasts';
import { Icon } from './Icon';
import { Link } from './Link';
import { Menu, type MenuItem } from './Menu';

export function TopBar() {
  const who = user.value;
  if (!who) return null;
  const initial = (who.display_name || who.username).slice(0, 1).toUpperCase();
  const items: MenuItem[] = [{ label: 'Account settings', icon: 'person', onSelect: () => navigate('/account') }];
  if (who.is_admin) items.push({ label: 'Admin', icon: 'shield', onSelect: () => navigate('/admin') });
  items.push({ label: 'Sign out', icon: 'logout', onSelect: () => void attempt(signOut) });
  return (
    <header class="topbar">
      <Link href="/drive" class="brand" aria-label="nbcloud home">
        <span class="brand-mark" aria-hidden="true">
          <Icon name="cloud" size={26} />
        </span>
        <span class="brand-name">nbcloud</span>
      </Link>
      <div class="topbar-spacer" />
      <button type="button" class="icon-button" aria-label="Settings" title="Settings" onClick={openSettings}>
        <Icon name="settings" />
      </button>
      <span class="topbar-user" aria-hidden="true">
        {who.display_name || who.username}
      </span>
      <Menu
        label={`Account menu for ${who.username}`}
        buttonClass="avatar-button"
        button={<span class="avatar">{initial}</span>}
        items={items}
        align="right"
      />
    </header>
  );
}
