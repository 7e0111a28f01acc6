// The runtime's state (starting, idle, busy, dead with its message, e.g. out of memory) from
// the events socket, and its RAM and disk use from GET /api/notebooks/{id}/runtime. While its
// kernel start waits its turn on the hub, the label says its place in line.

import { useEffect, useState } from 'preact/hooks';
import { runtimeStatus, type RuntimeUsage } from '../api/notebooks';
import { formatBytes } from '../lib/format';
import type { NotebookSession } from './NotebookSession';
import { placeInLine } from './runtime/startLine';

const USAGE_EVERY_MS = 10_000;

const LABELS: Record<string, string> = {
  connecting: 'Connecting',
  none: 'Not connected',
  starting: 'Starting runtime…',
  idle: 'Connected',
  busy: 'Busy',
  dead: 'Runtime stopped',
};

export function RuntimeIndicator({ session }: { session: NotebookSession }) {
  const status = session.events.status.value;
  const connected = session.events.connected.value;
  const [usage, setUsage] = useState<RuntimeUsage | null>(null);
  // Opening a notebook starts no runtime: "Not connected" until a run or Connect starts one.
  const state = !connected && !status ? 'connecting' : (status?.status ?? 'none');
  const inLine = placeInLine(status);

  useEffect(() => {
    if (state !== 'idle' && state !== 'busy') return;
    let stopped = false;
    const load = () =>
      runtimeStatus(session.id)
        .then((answer) => !stopped && setUsage(answer.usage ?? null))
        .catch(() => {});
    void load();
    const timer = window.setInterval(load, USAGE_EVERY_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [state === 'idle' || state === 'busy', session.id]);

  const ram =
    usage?.memory_rss_bytes != null
      ? `RAM ${formatBytes(usage.memory_rss_bytes)}${usage.memory_limit_bytes ? ` / ${formatBytes(usage.memory_limit_bytes)}` : ''}`
      : '';
  const disk = usage?.disk_used_bytes != null ? `Disk ${formatBytes(usage.disk_used_bytes)}` : '';
  const resources = [ram, disk].filter(Boolean).join(' · ');

  return (
    <div class="nb-runtime" role="status" aria-label="Runtime" data-state={state} title={resources || undefined}>
      <span class="nb-runtime-dot" aria-hidden="true" />
      <span class="nb-runtime-label">{inLine ?? LABELS[state] ?? state}</span>
      {status?.message && !inLine && <span class="nb-runtime-message">{status.message}</span>}
      {state === 'none' && connected && (
        <button type="button" class="button nb-runtime-connect" onClick={() => void session.connect()}>
          Connect
        </button>
      )}
      {resources && (state === 'idle' || state === 'busy') && <span class="nb-runtime-usage">{resources}</span>}
    </div>
  );
}
