/**
 * The renderer's Content-Security-Policy, in one place: the web shell sends it as a header and the
 * build writes it into index.html as a meta tag (which is all Electron's file:// page gets).
 * Nothing loads from anywhere but the app itself; WASM (the QR decoder, MediaPipe) may compile.
 */
export const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:* campus-media:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
] as const;

export const META_CSP = CSP_DIRECTIVES.join('; ');
/** frame-ancestors is ignored in a meta tag, so only the header carries it. */
export const HEADER_CSP = [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; ');
