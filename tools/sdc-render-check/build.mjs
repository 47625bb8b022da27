// Bundles the page's script (and the renderer's CSS and fonts) into dist/ with esbuild; no CDN at run time.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

await mkdir('dist', { recursive: true });
await build({
  entryPoints: ['src/main.jsx'],
  bundle: true,
  outfile: 'dist/sdc-render.js',
  format: 'iife',
  jsx: 'automatic',
  minify: true,
  sourcemap: false,
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
  assetNames: 'assets/[name]-[hash]',
  logLevel: 'warning',
});
await copyFile('src/index.html', 'dist/index.html');
