// Fuzzy matching for the command palette: the query's letters must appear in order (a
// subsequence); matches at word starts and in runs score higher. Pure, so it is unit tested.

/** The score of `query` against `text` (higher is better), or null when it does not match. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return 0;
  const t = text.toLowerCase();
  // Best of: greedy from each place the first letter occurs (cheap, good enough for labels).
  let best: number | null = null;
  for (let start = t.indexOf(q[0]); start >= 0; start = t.indexOf(q[0], start + 1)) {
    const score = scoreFrom(q, t, start);
    if (score !== null && (best === null || score > best)) best = score;
  }
  return best;
}

function scoreFrom(q: string, t: string, start: number): number | null {
  let score = 0;
  let previous = -2;
  let i = start;
  for (const char of q) {
    while (i < t.length && t[i] !== char) i++;
    if (i >= t.length) return null;
    const wordStart = i === 0 || /[\s\-_:/.(]/.test(t[i - 1]);
    score += 1;
    if (wordStart) score += 8;
    if (i === previous + 1) score += 5;
    if (i === 0) score += 3;
    previous = i;
    i++;
  }
  // Shorter texts (tighter matches) first among equals.
  return score - (previous - start) * 0.1 - t.length * 0.01;
}

/** The items that match, best first (ties keep their order). */
export function fuzzyFilter<T>(query: string, items: T[], text: (item: T) => string): T[] {
  if (!query.trim()) return items;
  return items
    .map((item, index) => ({ item, index, score: fuzzyScore(query, text(item)) }))
    .filter((entry): entry is { item: T; index: number; score: number } => entry.score !== null)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.item);
}
