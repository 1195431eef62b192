import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { precompressDir } from './server/http/precompressed.js';

const clientRoot = fileURLToPath(new URL('./client', import.meta.url));
const page = (name: string) => fileURLToPath(new URL(`./client/${name}`, import.meta.url));

/** The API server that `npm run dev:server` starts; the dev server forwards to it. */
const API_TARGET = process.env['TIDINGS_API'] ?? 'http://127.0.0.1:8080';

const outDir = fileURLToPath(new URL('./dist/client', import.meta.url));

/**
 * `.br` and `.gz` beside every text file of the build, for the server to pick
 * from. Last, after vite-plugin-pwa has written sw.js and the manifest.
 */
function precompress(): Plugin {
  return {
    name: 'tidings:precompress',
    apply: 'build',
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        await precompressDir(outDir);
      },
    },
  };
}

export default defineConfig({
  root: clientRoot,
  build: {
    outDir,
    emptyOutDir: true,
    rolldownOptions: {
      input: { inbox: page('index.html'), console: page('console.html') },
    },
  },
  resolve: {
    // zod without its JIT probe, which the CSP reports (see client/src/zod-jitless.ts).
    alias: [{ find: /^zod$/, replacement: fileURLToPath(new URL('./client/src/zod-jitless.ts', import.meta.url)) }],
  },
  server: {
    proxy: {
      '/api': { target: API_TARGET, ws: true },
    },
  },
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'autoUpdate',
      // main.ts registers through virtual:pwa-register; nothing inline (the CSP forbids it).
      injectRegister: false,
      // Manifest icons and the manifest itself are added by the plugin.
      injectManifest: { globPatterns: ['**/*.{js,css,html}'] },
      // The badge is drawn by the system for notifications, also offline.
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png', 'icons/badge-96.png'],
      manifest: {
        // A stable identity, so a later change of start_url does not make it another app.
        id: '/',
        name: 'Tidings',
        short_name: 'Tidings',
        description: 'Your messages from the shop: orders, deliveries, offers and replies.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f5f6f8',
        theme_color: '#2457c5',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Shown in the install dialog; made by test/e2e/support/capture-manifest-screenshots.ts.
        screenshots: [
          { src: '/screenshots/inbox-narrow.png', sizes: '375x812', type: 'image/png', form_factor: 'narrow', label: 'The inbox on a phone' },
          { src: '/screenshots/inbox-wide.png', sizes: '1280x800', type: 'image/png', form_factor: 'wide', label: 'The inbox on a computer' },
        ],
      },
    }),
    precompress(),
  ],
});
