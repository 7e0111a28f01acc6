import { describe, expect, it } from 'vitest';
import { savedClosure, savedWidgetState, WIDGET_STATE_MIME } from './protocol';

const saved = (state: Record<string, unknown>) => ({ widgets: { [WIDGET_STATE_MIME]: { version_major: 2, version_minor: 0, state } } });
const model = (state: Record<string, unknown>) => ({ model_name: 'M', model_module: 'm', model_module_version: '2.0.0', state });

describe('saved widget state', () => {
  it('is read from the notebook metadata, and only in a version it can load', () => {
    expect(savedWidgetState({})).toBeNull();
    expect(savedWidgetState({ widgets: { [WIDGET_STATE_MIME]: { version_major: 3, version_minor: 0, state: {} } } })).toBeNull();
    expect(savedWidgetState(saved({ a: model({}) }))?.state.a.model_name).toBe('M');
  });

  it('gives a view its model and what that refers to, nothing else', () => {
    const state = savedWidgetState(saved({
      box: model({ children: ['IPY_MODEL_slider'] }),
      slider: model({ value: 3, layout: 'IPY_MODEL_layout' }),
      layout: model({}),
      unrelated: model({}),
    }))!;
    expect(Object.keys(savedClosure(state, 'box')!.state).sort()).toEqual(['box', 'layout', 'slider']);
    expect(savedClosure(state, 'missing')).toBeNull();
  });
});
