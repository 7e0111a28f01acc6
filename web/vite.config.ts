import { defineConfig } from 'vite';

// Preact's JSX through esbuild (no Babel); the build lands in the Python package.
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: '../nbcloud/static',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // Fonts (KaTeX's) stay files: the hub's Content-Security-Policy refuses data: fonts.
    assetsInlineLimit: (file: string) => (/\.(woff2?|ttf|otf)$/.test(file) ? false : undefined),
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
});
