import { describe, expect, it } from 'vitest';
import type { CommOpenEvent } from './protocol';
import { registryCount, releaseWidgetRegistry, WidgetRegistry, widgetRegistry } from './registry';

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

describe('a page’s widget registry forgets', () => {
  it('a model when its comm closes, and every model when the kernel restarts', () => {
    const registry = new WidgetRegistry();
    registry.receive({ type: 'widgets', models: [model('a', {}), model('b', {})] });
    registry.receive({ type: 'comm_close', comm_id: 'a' });
    expect([...registry.modelIds.value]).toEqual(['b']);
    // A restarted kernel: the hub sends its (empty) snapshot, which replaces what the page had.
    registry.receive({ type: 'widgets', models: [] });
    expect(registry.modelIds.value.size).toBe(0);
    expect(registry.closure('b')).toEqual([]);
  });

  it('a view’s frame once the output holding it is cleared (the frame unsubscribes)', () => {
    const registry = new WidgetRegistry();
    const seen: string[] = [];
    const unsubscribe = registry.subscribe((event) => seen.push(event.type));
    registry.receive(model('a', {}));
    unsubscribe();
    registry.receive({ type: 'comm_close', comm_id: 'a' });
    expect(seen).toEqual(['comm_open']);
    expect(registry.listenerCount).toBe(0);
  });

  it('a whole notebook once it leaves the page, however many notebooks a person opens', () => {
    for (let i = 0; i < 50; i++) {
      const registry = widgetRegistry(`nb${i}`);
      registry.receive(model('a', {}));
      registry.subscribe(() => {});
      registry.attach(() => true);
      releaseWidgetRegistry(`nb${i}`);
      expect(registry.has('a')).toBe(false);
      expect(registry.listenerCount).toBe(0);
      expect(registry.send({ type: 'comm_msg', comm_id: 'a', data: {}, buffers: [], msg_id: 'm' })).toBe(false);
    }
    expect(registryCount()).toBe(0);
  });
});
