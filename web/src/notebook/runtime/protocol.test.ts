import { describe, expect, it } from 'vitest';
import { type HubMessage, type HubMessageHandlers, type HubMessageType, readHubMessage, receiveHubFrame } from './protocol';

/** One of every message the hub sends, as nbcloud/hub/execution/event_messages.py types it. */
const SAMPLES: HubMessage[] = [
  { type: 'runtime', status: 'starting', message: 'Starting runtime (3rd in line)', place: 3, running: null, queued: ['c1'] },
  { type: 'input_request', cell_id: 'c1', prompt: 'Name? ', password: false },
  { type: 'input_done', cell_id: 'c1' },
  { type: 'execute_reply', request_id: 'x1', queued: ['c1'] },
  { type: 'execute_reply', request_id: 'x2', error: 'Not trusted', code: 'notebook_not_trusted' },
  { type: 'colab_request', cell_id: 'c1', request_id: 'r1', request_type: 'cell_javascript_eval', request: { script: '1' } },
  { type: 'colab_request_done', cell_id: 'c1', request_id: 'r1' },
  { type: 'files_view', cell_id: 'c1', source: 'drive', path: 'a.csv', item_id: 'i1' },
  { type: 'shell_stdin', cell_id: 'c1', request_id: 's1', echo: false, delay_ms: 500 },
  { type: 'shell_stdin_done', cell_id: 'c1', request_id: 's1' },
  { type: 'invoke_function_reply', request_id: 'f1', result: { data: { 'text/plain': '3' } } },
  { type: 'comm_open', comm_id: 'm1', target_name: 'jupyter.widget', data: { state: { value: 1 }, buffer_paths: [['b', 0]] }, metadata: {}, buffers: ['AA=='] },
  { type: 'comm_msg', comm_id: 'm1', data: { method: 'update', state: { value: 2 } }, buffers: [], parent_msg_id: null },
  { type: 'comm_close', comm_id: 'm1' },
  { type: 'comm_status', msg_id: 'p1', execution_state: 'idle' },
  { type: 'widgets', models: [] },
  { type: 'frame_comm', kind: 'msg', comm_id: 'c1', cell_id: '', target_name: '', data: { x: 1 }, buffers: ['AA=='], request_id: '' },
  { type: 'error', code: 'unknown_message', detail: 'The hub does not know messages of type "x".' },
];

function recording(): { handlers: HubMessageHandlers; got: HubMessage[] } {
  const got: HubMessage[] = [];
  const keep = (message: HubMessage) => void got.push(message);
  const handlers: HubMessageHandlers = {
    runtime: keep, input_request: keep, input_done: keep, execute_reply: keep, colab_request: keep, colab_request_done: keep,
    files_view: keep, shell_stdin: keep, shell_stdin_done: keep, invoke_function_reply: keep, comm_open: keep, comm_msg: keep,
    comm_close: keep, comm_status: keep, widgets: keep, frame_comm: keep, error: keep,
  };
  return { handlers, got };
}

describe('the events socket on the page', () => {
  it('reads every message the hub sends into its type and hands it to that type’s handler', () => {
    const { handlers, got } = recording();
    for (const sample of SAMPLES) expect(receiveHubFrame(handlers, JSON.stringify(sample), () => {})).toBe(true);
    expect(got).toEqual(SAMPLES);
    const types = new Set<HubMessageType>(SAMPLES.map((m) => m.type));
    expect([...types].sort()).toEqual(Object.keys(handlers).sort()); // a sample of every type
  });

  it('hands a handler only the message’s own fields, with the hub’s defaults filled in', () => {
    const { handlers, got } = recording();
    receiveHubFrame(handlers, JSON.stringify({ type: 'comm_msg', comm_id: 'm', data: {}, parent_msg_id: 'p', extra: 'dropped' }));
    receiveHubFrame(handlers, JSON.stringify({ type: 'runtime', status: 'idle', message: null, running: null, queued: [] }));
    expect(got).toEqual([
      { type: 'comm_msg', comm_id: 'm', data: {}, buffers: [], parent_msg_id: 'p' },
      { type: 'runtime', status: 'idle', message: null, place: null, running: null, queued: [] },
    ]);
  });

  it('logs an unknown message with a clear error and ignores it', () => {
    const { handlers, got } = recording();
    const errors: string[] = [];
    expect(receiveHubFrame(handlers, JSON.stringify({ type: 'teleport', to: 'mars' }), (e) => errors.push(e))).toBe(false);
    expect(got).toEqual([]);
    expect(errors).toEqual([
      'nbcloud: the hub sent a message of unknown type "teleport" on the events socket; ignored. Reload the page if the hub was updated.',
    ]);
  });

  it('ignores garbage and a known message with fields it cannot use, instead of half-handling them', () => {
    expect(readHubMessage('{oops')).toEqual({ problem: 'not_json', type: null });
    expect(readHubMessage('[1]')).toEqual({ problem: 'not_json', type: null });
    expect(readHubMessage('{"no": "type"}')).toEqual({ problem: 'not_json', type: null });
    expect(readHubMessage('{"type": "toString"}')).toEqual({ problem: 'unknown_type', type: 'toString' });
    expect(readHubMessage('{"type": "input_request", "prompt": "x"}')).toEqual({ problem: 'bad_fields', type: 'input_request' });
    expect(readHubMessage('{"type": "runtime", "status": "exploded", "queued": []}')).toEqual({ problem: 'bad_fields', type: 'runtime' });
    expect(readHubMessage('{"type": "files_view", "cell_id": "c", "source": "/etc", "path": "p"}')).toEqual({ problem: 'bad_fields', type: 'files_view' });
    const { handlers, got } = recording();
    const errors: string[] = [];
    receiveHubFrame(handlers, '{"type": "execute_reply", "queued": ["c1"]}', (e) => errors.push(e));
    expect(got).toEqual([]);
    expect(errors[0]).toContain('a "execute_reply" message with fields it cannot use');
  });
});
