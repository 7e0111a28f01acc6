// Drive-wide state: which folder is open, a change counter that makes views reload, usage.

import { signal } from '@preact/signals';
import { getUsage } from '../api/drive';
import type { Usage } from '../api/types';

/** The folder the Drive page shows ("" is My Drive); New and drops put things here. */
export const currentFolder = signal('');
/** Bumped after anything changes Drive contents; views that list things reload on it. */
export const driveVersion = signal(0);
export const usage = signal<Usage | null>(null);

export function refreshUsage(): void {
  getUsage()
    .then((answer) => {
      usage.value = answer;
    })
    .catch(() => {});
}

export function driveChanged(): void {
  driveVersion.value += 1;
  refreshUsage();
}
