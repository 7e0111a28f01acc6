// The one modal dialog open at a time (rename, new folder, move, confirmations).

import { signal } from '@preact/signals';
import type { VNode } from 'preact';

export const openDialog = signal<VNode | null>(null);

export function showDialog(dialog: VNode): void {
  openDialog.value = dialog;
}

export function closeDialog(): void {
  openDialog.value = null;
}
