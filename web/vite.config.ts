import { build, defineConfig, type Plugin } from 'vite';

/** @jupyter-widgets packages read their version with `require('../package.json')` at load time,
 * which a browser script cannot: make it an import of that JSON file. */
const widgetPackageVersions: Plugin = {
  name: 'nbcloud-widget-package-versions',
  transform(code, id) {
    const wanted = /require\('\.\.\/package\.json'\)/g;
    if (!id.includes('/node_modules/@jupyter-widgets/') || !wanted.test(code)) return null;
    return `import __nbcloudPackageJson from '../package.json';\n${code.replace(wanted, '__nbcloudPackageJson')}`;
  },
};

/**
 * The sandboxed output frame page (output-frame.html, the app's second entry). Its document has
 * an opaque origin, which cannot load module scripts or fonts from the hub (both are fetched with
 * CORS), so after the app is built the frame is built again on its own as classic (IIFE)
 * scripts: the page with its script, and the Markdown/LaTeX renderer it loads only when needed.
 */
function outputFrame(): Plugin {
  let root = '';
  let outDir = '';

  const frameBuild = (input: string, names: string, define: Record<string, string>, plugins: Plugin[] = []) =>
    build({
      configFile: false,
      root,
      logLevel: 'warn',
      define,
      plugins,
      build: {
        outDir,
        emptyOutDir: false,
        copyPublicDir: false,
        target: 'es2022',
        modulePreload: false,
        chunkSizeWarningLimit: 1000, // KaTeX with its fonts, loaded only for Markdown and LaTeX
        // KaTeX's woff2 fonts become data: URLs; the woff/ttf fallbacks stay files that are
        // never fetched, as every browser takes woff2 first.
        assetsInlineLimit: (file: string) => (file.endsWith('.woff2') ? true : /\.(woff|ttf)$/.test(file) ? false : undefined),
        rollupOptions: {
          input: `${root}/${input}`,
          output: { format: 'iife', entryFileNames: `assets/${names}-[hash].js`, inlineDynamicImports: true },
        },
      },
    });

  // Vite writes <script type="module" crossorigin> whatever the format; the frame needs classic.
  const classicScripts: Plugin = {
    name: 'nbcloud-output-frame-classic',
    enforce: 'post',
    transformIndexHtml: (html) => html.replace(/<script type="module" crossorigin src=/g, '<script defer src='),
  };

  return {
    name: 'nbcloud-output-frame',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const entryOf = async (input: string, names: string, plugins: Plugin[] = []) => {
        const result = await frameBuild(input, names, {}, plugins);
        const outputs = Array.isArray(result) ? result : [result];
        const entry = outputs.flatMap((o) => ('output' in o ? o.output : [])).find((c) => c.type === 'chunk' && c.isEntry);
        if (!entry) throw new Error(`Building ${input} for the output frame produced no script.`);
        return JSON.stringify(`/${entry.fileName}`);
      };
      const rich = await entryOf('src/frame/rich.ts', 'output-frame-rich');
      // Jupyter widgets, loaded only by a frame that shows one.
      const widgets = await entryOf('src/frame/widgets.ts', 'output-frame-widgets', [widgetPackageVersions]);
      await frameBuild('output-frame.html', 'output-frame', { __FRAME_RICH_URL__: rich, __FRAME_WIDGETS_URL__: widgets }, [
        classicScripts,
      ]);
    },
  };
}

// Preact's JSX through esbuild (no Babel); the build lands in the Python package.
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  plugins: [outputFrame()],
  build: {
    outDir: '../nbcloud/static',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // Fonts (KaTeX's) stay files: the hub's Content-Security-Policy refuses data: fonts.
    assetsInlineLimit: (file: string) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
  },
  server: {
    // The frame page is served by the hub from the last build (`npm run build`).
    proxy: { '/api': 'http://127.0.0.1:8000', '/output-frame.html': 'http://127.0.0.1:8000' },
  },
});
