import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The frame shares these packages with widget front ends at the versions it declares; a container
// checks them against what it was built for, so they must be the versions really bundled. (Read
// as text: importing the frame's module would load the widget libraries, which need a browser.)
describe('the output frame’s shared widget packages', () => {
  it('declare the versions installed in node_modules', () => {
    const source = readFileSync(new URL('./widgetExtensions.ts', import.meta.url), 'utf8');
    const block = source.slice(source.indexOf('HOST_PACKAGE_VERSIONS = {'), source.indexOf('} as const;'));
    const declared = [...block.matchAll(/'(@[^']+)': '([^']+)'/g)];
    expect(declared.length).toBeGreaterThan(5);
    for (const [, name, version] of declared) {
      const installed = JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string };
      expect(`${name}@${version}`).toBe(`${name}@${installed.version}`);
    }
  });
});
