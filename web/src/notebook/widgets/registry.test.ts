import { describe, expect, it } from 'vitest';
import type { CommOpenEvent } from './protocol';
import { WidgetRegistry } from './registry';

function model(id: string, state: Record<string, unknown>): CommOpenEvent {
  return { type: 'comm_open', comm_id: id, target_name: 'jupyter.widget', data: { state, buffer_paths: [] }, metadata: { version: '2.1.0' }, buffers: [] };
}

describe('a page’s widget registry', () => {
  it('gives a view its model and everything it refers to, referred models first', () => {
    const registry = new WidgetRegistry();
    registry.receive({
      type: 'widgets',
      models: [
        model('box', { children: ['IPY_MODEL_slider', 'IPY_MODEL_out'], layout: 'IPY_MODEL_layout' }),
        model('slider', { value: 3, layout: 'IPY_MODEL_layout' }),
        model('out', { outputs: [] }),
        model('layout', {}),
        model('unrelated', {}),
      ],
    });
    const ids = registry.closure('box').map((m) => m.comm_id);
    expect([...ids].sort()).toEqual(['box', 'layout', 'out', 'slider']);
    expect(ids.indexOf('layout')).toBeLessThan(ids.indexOf('slider'));
    expect(ids.at(-1)).toBe('box');
  });

  it('keeps the latest state, so a frame opened later starts from it', () => {
    const registry = new WidgetRegistry();
    registry.receive(model('slider', { value: 3 }));
    registry.receive({ type: 'comm_msg', comm_id: 'slider', data: { method: 'echo_update', state: { value: 8 } }, buffers: [], parent_msg_id: 'x' });
    expect(registry.closure('slider')[0].data.state.value).toBe(8);
    registry.receive({ type: 'comm_close', comm_id: 'slider' });
    expect(registry.has('slider')).toBe(false);
  });
});
