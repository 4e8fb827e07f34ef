import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Options for zxing-wasm's prepareZXingModule that load its .wasm from our own node_modules: the
 * package's default fetches it from jsDelivr. Both hooks are set: wasmBinary skips any fetch, and
 * locateFile keeps the CDN default from ever being consulted.
 */
export function localWasmModuleOptions(specifier: string) {
  const path = createRequire(import.meta.url).resolve(specifier);
  const bytes = readFileSync(path);
  const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return {
    overrides: { wasmBinary, locateFile: (file: string, prefix: string) => (file.endsWith('.wasm') ? path : prefix + file) },
    fireImmediately: true as const,
  };
}
