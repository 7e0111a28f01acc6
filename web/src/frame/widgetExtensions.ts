// Third-party widget packages in the output frame, loaded as JupyterLab loads them: each package's
// front end is a webpack module-federation container (its labextension's remoteEntry) that the hub
// serves from the runtime environment. The frame gives the containers one share scope holding the
// singletons they expect from the host (@jupyter-widgets/base, @lumino/*), gets their JupyterLab
// plugin and activates it with a widget registry, whose registerWidget({name, version, exports})
// is what the frame's widget manager then loads classes from.

import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import * as outputWidgets from '@jupyter-widgets/html-manager/lib/output';
import * as luminoAlgorithm from '@lumino/algorithm';
import * as luminoCoreutils from '@lumino/coreutils';
import * as luminoDisposable from '@lumino/disposable';
import * as luminoMessaging from '@lumino/messaging';
import * as luminoSignaling from '@lumino/signaling';
import * as luminoWidgets from '@lumino/widgets';
import type { WidgetExtensionInfo } from '../notebook/widgets/protocol';

type Exports = Record<string, unknown>;

/** The versions of the packages this frame shares (widgetExtensions.test.ts keeps them equal to
 * the installed ones): a container checks a singleton's version against what it was built for. */
export const HOST_PACKAGE_VERSIONS = {
  '@jupyter-widgets/base': '6.0.12',
  '@jupyter-widgets/controls': '5.0.13',
  '@lumino/algorithm': '2.0.5',
  '@lumino/coreutils': '2.2.3',
  '@lumino/disposable': '2.1.6',
  '@lumino/messaging': '2.0.5',
  '@lumino/signaling': '2.1.6',
  '@lumino/widgets': '2.10.0',
} as const;

/** What a widget package hands the registry (exports may be loaded lazily, as plotly's are). */
interface RegisteredWidget {
  name: string;
  version: string;
  exports: Exports | (() => Promise<Exports>);
}

/** A webpack share scope: package -> version -> how to get it. */
type ShareScope = Record<string, Record<string, { get: () => Promise<() => unknown>; from: string; eager: boolean; loaded?: number }>>;

interface Container {
  init(scope: ShareScope): Promise<void> | void;
  get(module: string): Promise<() => unknown>;
}

interface Token {
  name: string;
}

interface Plugin {
  id?: string;
  requires?: Token[];
  optional?: Token[];
  activate: (app: unknown, ...services: unknown[]) => unknown;
}

/** The JavaScript module names of widget packages whose Python package is named otherwise. */
const PYTHON_PACKAGES: Record<string, string> = {
  'jupyter-leaflet': 'ipyleaflet',
  'jupyterlab-plotly': 'plotly',
  'jupyter-matplotlib': 'ipympl',
  'jupyter-threejs': 'pythreejs',
  'jupyter-vuetify': 'ipyvuetify',
  'jupyter-vue': 'ipyvue',
  '@jupyter-widgets/jupyterlab-sidecar': 'sidecar',
  'ipycanvas': 'ipycanvas',
};

/** The message for a widget whose front end is not installed where the hub serves front ends from. */
export function missingFrontEnd(className: string, moduleName: string, moduleVersion: string): string {
  const python = PYTHON_PACKAGES[moduleName] ?? moduleName.replace(/^@[^/]+\//, '');
  return (
    `The widget ${className} needs the front end of ${moduleName}@${moduleVersion}, which is not installed in this runtime's environment. ` +
    `Install it with !pip install ${python}, then restart the runtime (Runtime > Restart session) and run the cell again.`
  );
}

// ES module namespaces lack __esModule, which webpack's interop reads to find a default export.
const asModule = (namespace: object): Exports => ({ __esModule: true, ...namespace });

function provided(version: string, namespace: object) {
  const module = asModule(namespace);
  return { [version]: { get: () => Promise.resolve(() => module), from: 'nbcloud', eager: true, loaded: 1 } };
}

/** One share scope for every container in this frame, so a singleton is one object for all. */
function hostShareScope(): ShareScope {
  const v = HOST_PACKAGE_VERSIONS;
  return {
    '@jupyter-widgets/base': provided(v['@jupyter-widgets/base'], base),
    '@jupyter-widgets/controls': provided(v['@jupyter-widgets/controls'], controls),
    '@jupyter-widgets/output': provided(v['@jupyter-widgets/base'], outputWidgets),
    '@lumino/algorithm': provided(v['@lumino/algorithm'], luminoAlgorithm),
    '@lumino/coreutils': provided(v['@lumino/coreutils'], luminoCoreutils),
    '@lumino/disposable': provided(v['@lumino/disposable'], luminoDisposable),
    '@lumino/messaging': provided(v['@lumino/messaging'], luminoMessaging),
    '@lumino/signaling': provided(v['@lumino/signaling'], luminoSignaling),
    '@lumino/widgets': provided(v['@lumino/widgets'], luminoWidgets),
  };
}

function loadScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`The widget front end at ${url} did not load. Reload the page.`));
    document.head.append(script);
  });
}

/** The installed widget front ends, loaded on first need. */
export class WidgetExtensions {
  private readonly registered = new Map<string, RegisteredWidget>();
  private readonly loads = new Map<string, Promise<void>>();
  private readonly scope = hostShareScope();
  private readonly registry = {
    registerWidget: (widget: RegisteredWidget) => {
      this.registered.set(widget.name, widget);
    },
  };

  constructor(private readonly catalog: Promise<WidgetExtensionInfo[]>) {}

  /** The exports of the widget module `moduleName`, or null when no installed package has it. */
  async module(moduleName: string): Promise<Exports | null> {
    if (!this.registered.has(moduleName)) {
      const catalog = await this.catalog;
      // The package named like the module first (the usual case), then every other one: a
      // package may register a module under another name.
      const same = catalog.filter((e) => e.name === moduleName);
      for (const extension of [...same, ...catalog.filter((e) => e.name !== moduleName)]) {
        await this.load(extension).catch((error: unknown) => console.error(`The widget package ${extension.name} could not start:`, error));
        if (this.registered.has(moduleName)) break;
      }
    }
    const widget = this.registered.get(moduleName);
    if (!widget) return null;
    return typeof widget.exports === 'function' ? await widget.exports() : widget.exports;
  }

  private load(extension: WidgetExtensionInfo): Promise<void> {
    let loading = this.loads.get(extension.name);
    if (!loading) {
      loading = this.activate(extension);
      this.loads.set(extension.name, loading);
    }
    return loading;
  }

  private async activate(extension: WidgetExtensionInfo): Promise<void> {
    await loadScript(extension.url);
    const containers = (globalThis as unknown as { _JUPYTERLAB?: Record<string, Container> })._JUPYTERLAB;
    const container = containers?.[extension.name];
    if (!container) throw new Error(`The widget front end of ${extension.name} defines no JupyterLab extension.`);
    await container.init(this.scope);
    const factory = await container.get(extension.exposed);
    const module = factory() as { default?: Plugin | Plugin[] } & Plugin;
    const exported = module.default ?? module;
    const plugins = Array.isArray(exported) ? exported : [exported];
    const isRegistry = (token: Token) => token === (base.IJupyterWidgetRegistry as unknown) || token?.name === base.IJupyterWidgetRegistry.name;
    for (const plugin of plugins) {
      // Only widget plugins: the others need JupyterLab's own services, which a frame has not.
      if (!plugin || typeof plugin.activate !== 'function' || !(plugin.requires ?? []).some(isRegistry)) continue;
      const required = (plugin.requires ?? []).map((token) => (isRegistry(token) ? this.registry : null));
      const optional = (plugin.optional ?? []).map((token) => (isRegistry(token) ? this.registry : null));
      await plugin.activate(minimalApp, ...required, ...optional);
    }
  }
}

/** The JupyterLab application a widget plugin is activated with: widget plugins use only the registry. */
const minimalApp = { started: Promise.resolve(), restored: Promise.resolve(), commands: null, shell: null };
