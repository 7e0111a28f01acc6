// What a code cell's run state is, from the live document: `execution_state` (the hub's
// "queued"/"running"/"idle"), the outputs (an error output means it failed) and the
// `execution` timing metadata (iopub.status.busy .. shell.execute_reply).

export type RunState = 'idle' | 'queued' | 'running' | 'done' | 'error';

export interface ExecutionTiming {
  'iopub.status.busy'?: string;
  'iopub.execute_input'?: string;
  'iopub.status.idle'?: string;
  'shell.execute_reply'?: string;
}

export function runState(
  executionState: unknown,
  executionCount: unknown,
  outputs: { output_type?: unknown }[],
  timing: ExecutionTiming | undefined,
): RunState {
  if (executionState === 'queued') return 'queued';
  if (executionState === 'running' || executionState === 'busy') return 'running';
  if (outputs.some((output) => output.output_type === 'error')) return 'error';
  if (executionCount != null || timing?.['shell.execute_reply']) return 'done';
  return 'idle';
}

/** Milliseconds the cell ran, or null when the timing is incomplete. */
export function runDuration(timing: ExecutionTiming | undefined): number | null {
  const start = Date.parse(timing?.['iopub.status.busy'] ?? '');
  const end = Date.parse(timing?.['shell.execute_reply'] ?? '');
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, end - start);
}

/** "0.12s", "3s", "1m 5s", "1h 2m". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1).replace(/\.?0+$/, '') || '0'}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
