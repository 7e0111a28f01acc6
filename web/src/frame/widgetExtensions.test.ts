import { describe, expect, it } from 'vitest';
// Read as text: importing the frame's module would load the widget libraries, which need a browser.
import source from './widgetExtensions.ts?raw';

const installed = import.meta.glob<string>(
  ['../../node_modules/@jupyter-widgets/*/package.json', '../../node_modules/@lumino/*/package.json'],
  { eager: true, import: 'version' },
);

// The frame shares these packages with widget front ends at the versions it declares; a container
// checks them against what it was built for, so they must be the versions really bundled.
describe('the output frame’s shared widget packages', () => {
  it('declare the versions installed in node_modules', () => {
    const block = source.slice(source.indexOf('HOST_PACKAGE_VERSIONS = {'), source.indexOf('} as const;'));
    const declared = [...block.matchAll(/'(@[^']+)': '([^']+)'/g)];
    expect(declared.length).toBeGreaterThan(5);
    for (const [, name, version] of declared) {
      expect(`${name}@${version}`).toBe(`${name}@${installed[`../../node_modules/${name}/package.json`]}`);
    }
  });
});
