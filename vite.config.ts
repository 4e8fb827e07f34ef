import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { META_CSP } from './src/shared/contentSecurityPolicy.ts';

const rendererRoot = fileURLToPath(new URL('./src/renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

/** For `vite` dev mode only: the running station service (e.g. http://127.0.0.1:5180) to forward
 * /rpc to, so the dev page at 127.0.0.1:5173/#secret=… talks to a real backend. */
const devBackend = process.env['CC_DEV_BACKEND'];

/**
 * Renderer bundle for both Electron (loaded from file://) and the local web server
 * (http://127.0.0.1:PORT/): relative base, everything bundled, nothing fetched from the network.
 */
/** Writes the one shared policy into index.html, so the meta tag and the web shell's header agree. */
const cspMeta: Plugin = {
  name: 'cc-csp-meta',
  transformIndexHtml: (html) => html.replace('%CC_CSP%', META_CSP),
};

export default defineConfig({
  plugins: [cspMeta],
  root: rendererRoot,
  base: './',
  publicDir: false,
  // No React plugin needed: Vite's Oxc transform handles TSX; the automatic runtime matches tsconfig's "react-jsx".
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'chrome120',
    // Inline assets would become data: URLs for fonts/styles; keep them as files so CSP stays simple.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    strictPort: true,
    // Exactly /rpc: a plain prefix would also swallow the dev server's own /rpc/*.ts modules.
    // The service refuses sockets whose Host or Origin is not its own (DNS rebinding, foreign pages),
    // so the proxy presents itself as the service's own page.
    ...(devBackend ? { proxy: { '^/rpc$': { target: devBackend, ws: true, changeOrigin: true, headers: { origin: devBackend } } } } : {}),
  },
});
