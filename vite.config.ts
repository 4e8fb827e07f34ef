import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
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

/**
 * The vision workers' files, served by the kiosk itself under fixed names (never a CDN):
 * tasks-vision's ES-module wasm loader + binary (the only variant a module worker can load) and our
 * models with their licence. Emitted into the build; served from their sources in dev.
 */
const tasksVisionWasm = fileURLToPath(new URL('./node_modules/@mediapipe/tasks-vision/wasm/', import.meta.url));
const modelsDir = fileURLToPath(new URL('./resources/models/', import.meta.url));
function visionAssetFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of ['vision_wasm_module_internal.js', 'vision_wasm_module_internal.wasm']) files.set(`mediapipe/${f}`, tasksVisionWasm + f);
  for (const f of readdirSync(modelsDir)) if (/\.(tflite|task)$|^(LICENSE|NOTICE|MODELS\.json)$/.test(f)) files.set(`models/${f}`, modelsDir + f);
  return files;
}
const visionAssets: Plugin = {
  name: 'cc-vision-assets',
  generateBundle() {
    for (const [fileName, source] of visionAssetFiles()) this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
  },
  configureServer(server) {
    const files = visionAssetFiles();
    server.middlewares.use((req, res, next) => {
      const file = files.get(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, ''));
      if (!file) return next();
      const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': statSync(file).size });
      createReadStream(file).pipe(res);
    });
  },
};

export default defineConfig({
  plugins: [cspMeta, visionAssets],
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
    // check.html: the still-checking engine alone, for headless Chromium (CLI `check`, E2E tests).
    // liveBench.html: the live guidance with a fake camera, for bench/live.
    // shutterBench.html: a shot through processShot on a station's web shell, for bench/shutter.
    rolldownOptions: {
      input: { index: `${rendererRoot}/index.html`, check: `${rendererRoot}/check.html`, liveBench: `${rendererRoot}/liveBench.html`, shutterBench: `${rendererRoot}/shutterBench.html` },
    },
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
