// The hub starts only a few kernels at once (runtime_start_concurrency); the rest wait in line
// and the runtime status carries their place. This is what a waiting page shows.

import type { RuntimeStatus } from '../../api/notebooks';

/** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 10 && tens <= 20 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "Starting runtime (3rd in line)" while this notebook's start waits its turn, else null. */
export function placeInLine(status: RuntimeStatus | null): string | null {
  if (status?.status !== 'starting' || !status.place) return null;
  return `Starting runtime (${ordinal(status.place)} in line)`;
}
