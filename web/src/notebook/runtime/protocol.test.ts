import { describe, expect, it } from 'vitest';
import { type HubMessage, type HubMessageHandlers, type HubMessageType, readHubMessage, receiveHubFrame, toCodePoints, toUtf16 } from './protocol';

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
  {
    type: 'complete_reply', request_id: 'q1', matches: ['array', 'arange'], cursor_start: 3, cursor_end: 5,
    items: [{ text: 'array', type: 'function', signature: '(object, dtype=None)' }, { text: 'arange', type: null, signature: null }],
  },
  { type: 'complete_reply', request_id: 'q2', matches: [], cursor_start: 0, cursor_end: 0, items: [], error: 'no runtime' },
  { type: 'variables_reply', request_id: 'q7', variables: [], error: 'Not trusted', code: 'notebook_not_trusted' },
  { type: 'inspect_reply', request_id: 'q3', found: true, data: { 'text/plain': 'Docstring: ...' } },
  {
    type: 'variables_reply', request_id: 'q4',
    variables: [{ name: 'df', type: 'DataFrame', shape: '(3, 2)', size: null, memory: 176, value: '   a  b', is_dataframe: true }],
  },
  { type: 'variable_view_reply', request_id: 'q5', data: { 'text/html': '<table></table>' } },
  { type: 'scratch_output', request_id: 'q6', output: { output_type: 'stream', name: 'stdout', text: '2\n' } },
  { type: 'scratch_reply', request_id: 'q6', status: 'ok', execution_count: 4 },
  { type: 'help', cell_id: 'c1', data: { 'text/plain': 'Signature: len(obj, /)' } },
  { type: 'error', code: 'unknown_message', detail: 'The hub does not know messages of type "x".' },
];

function recording(): { handlers: HubMessageHandlers; got: HubMessage[] } {
  const got: HubMessage[] = [];
  const keep = (message: HubMessage) => void got.push(message);
  const handlers: HubMessageHandlers = {
    runtime: keep, input_request: keep, input_done: keep, execute_reply: keep, colab_request: keep, colab_request_done: keep,
    files_view: keep, shell_stdin: keep, shell_stdin_done: keep, invoke_function_reply: keep, comm_open: keep, comm_msg: keep,
    comm_close: keep, comm_status: keep, widgets: keep, frame_comm: keep, error: keep, complete_reply: keep, inspect_reply: keep,
    variables_reply: keep, variable_view_reply: keep, scratch_output: keep, scratch_reply: keep, help: keep,
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

  it('reads a scratch cell’s outputs of every kind and refuses one that is not an nbformat output', () => {
    const outputs = [
      { output_type: 'stream', name: 'stderr', text: ['a\n', 'b'] },
      { output_type: 'execute_result', data: { 'text/plain': '3' }, metadata: {}, execution_count: 2 },
      { output_type: 'display_data', data: { 'image/png': 'iVBOR' }, metadata: { 'image/png': { width: 3 } } },
      { output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['tb'] },
    ];
    for (const output of outputs) {
      expect(readHubMessage(JSON.stringify({ type: 'scratch_output', request_id: 'q', output }))).toEqual({ type: 'scratch_output', request_id: 'q', output });
    }
    expect(readHubMessage(JSON.stringify({ type: 'scratch_output', request_id: 'q', output: { output_type: 'stream', name: '/dev/tty', text: '' } }))).toEqual({
      problem: 'bad_fields', type: 'scratch_output',
    });
    expect(readHubMessage(JSON.stringify({ type: 'scratch_output', request_id: 'q', output: { output_type: 'clear_output' } }))).toEqual({
      problem: 'bad_fields', type: 'scratch_output',
    });
    expect(readHubMessage(JSON.stringify({ type: 'scratch_reply', request_id: 'q', status: 'sideways', execution_count: null }))).toEqual({
      problem: 'bad_fields', type: 'scratch_reply',
    });
  });

  it('refuses a completion or variables answer with fields of the wrong kind', () => {
    expect(readHubMessage(JSON.stringify({ type: 'complete_reply', request_id: 'q', matches: [1], cursor_start: 0, cursor_end: 0 }))).toEqual({
      problem: 'bad_fields', type: 'complete_reply',
    });
    expect(readHubMessage(JSON.stringify({ type: 'variables_reply', request_id: 'q', variables: ['x'] }))).toEqual({ problem: 'bad_fields', type: 'variables_reply' });
    expect(readHubMessage(JSON.stringify({ type: 'help', cell_id: 'c', data: { 'text/plain': 3 } }))).toEqual({ problem: 'bad_fields', type: 'help' });
    // Items are optional (an older runtime without jedi's types): an empty list then.
    expect(readHubMessage(JSON.stringify({ type: 'complete_reply', request_id: 'q', matches: ['a'], cursor_start: 0, cursor_end: 1 }))).toEqual({
      type: 'complete_reply', request_id: 'q', matches: ['a'], cursor_start: 0, cursor_end: 1, items: [],
    });
  });

  it('counts the cursor in code points for the kernel, as Jupyter’s protocol does, and back', () => {
    const code = 'x = "😀é"; np.ar';
    // The emoji is two UTF-16 units but one code point.
    expect(code.length).toBe(16);
    expect(toCodePoints(code, code.length)).toBe(15);
    expect(toUtf16(code, 15)).toBe(16);
    expect(toCodePoints(code, 5)).toBe(5);
    expect(toCodePoints(code, 7)).toBe(6);
    expect(toUtf16(code, 6)).toBe(7);
    for (let i = 0; i <= code.length; i++) if (i !== 6) expect(toUtf16(code, toCodePoints(code, i))).toBe(i);
  });
});
