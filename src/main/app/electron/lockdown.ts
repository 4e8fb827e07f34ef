import type { Session, WebContents } from 'electron';

/**
 * The kiosk window's locks, in one place so the whole list can be read at once: only our own
 * renderer folder may load, use the camera, navigate or open anything; DevTools only in a
 * development run. The session filter (main.ts) already cancels every other request.
 */

/** A URL inside the renderer folder (file:///…/dist/renderer/…). */
export function isOwnUrl(url: string, rendererDirUrl: string): boolean {
  return url.startsWith(rendererDirUrl);
}

/**
 * Permissions: the camera (video, never the microphone) for our own page, nothing else for anyone.
 * Both handlers are needed: the request handler answers prompts (getUserMedia), the check handler
 * answers silent queries (navigator.permissions, enumerateDevices labels), which Electron would
 * otherwise grant.
 */
export function lockDownPermissions(session: Session, rendererDirUrl: string): void {
  session.setPermissionRequestHandler((wc, permission, callback, details) => {
    const url = details.requestingUrl || wc.getURL();
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(permission === 'media' && isOwnUrl(url, rendererDirUrl) && mediaTypes.every((t) => t === 'video'));
  });
  session.setPermissionCheckHandler((wc, permission, requestingOrigin, details) => {
    const url = details.requestingUrl ?? wc?.getURL() ?? requestingOrigin;
    return permission === 'media' && isOwnUrl(url, rendererDirUrl) && (details.mediaType === undefined || details.mediaType === 'video');
  });
  // No device pickers (HID, serial, USB, Bluetooth) for the page: the camera is all it uses.
  session.setDevicePermissionHandler(() => false);
}

/** Per window: no navigation away, no new windows, no <webview>, DevTools closed when packaged. */
export function lockDownContents(wc: WebContents, rendererUrl: string, opts: { allowDevTools: boolean }): void {
  wc.on('will-navigate', (e, url) => {
    if (url !== rendererUrl) e.preventDefault();
  });
  wc.on('will-redirect', (e) => e.preventDefault());
  // Middle-click (auxclick) and window.open both end here: nothing opens.
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-attach-webview', (e) => e.preventDefault());
  if (!opts.allowDevTools) wc.on('devtools-opened', () => wc.closeDevTools());
}
