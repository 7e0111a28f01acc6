// "X used of Y" with a bar, from GET /api/drive/usage.

import { useEffect } from 'preact/hooks';
import { refreshUsage, usage } from '../state/drive';
import { formatBytes } from '../lib/format';
import { Icon } from './Icon';

export function StorageMeter() {
  useEffect(refreshUsage, []);
  const current = usage.value;
  if (!current) return null;
  const { used_bytes: used, quota_bytes: quota } = current;
  const full = quota > 0 && used / quota > 0.9;
  return (
    <div class="storage">
      <p class="storage-title">
        <Icon name="cloud" />
        <span>Storage</span>
      </p>
      <progress
        class={full ? 'storage-bar storage-bar-full' : 'storage-bar'}
        aria-label="Storage used"
        max={Math.max(quota, 1)}
        value={Math.min(used, Math.max(quota, 1))}
      />
      <p class="storage-text">
        {formatBytes(used)} used of {quota > 0 ? formatBytes(quota) : 'unlimited'}
      </p>
    </div>
  );
}
