export const SECRET_STORAGE_KEY = 'cc.secret';

const SECRET_PATTERN = /^[0-9a-f]{16,256}$/i;

function readStored(): string | null {
  try {
    return sessionStorage.getItem(SECRET_STORAGE_KEY);
  } catch {
    return null;
  }
}

function store(secret: string): void {
  try {
    sessionStorage.setItem(SECRET_STORAGE_KEY, secret);
  } catch {
    // Without storage a reload needs the printed URL again; the current page still works.
  }
}

/**
 * The launcher prints http://127.0.0.1:PORT/#secret=<hex>. The fragment never reaches a server
 * log; we still wipe it from the address bar (and history) so it is not shoulder-surfed or
 * bookmarked, and keep it in sessionStorage so a reload of this tab keeps working.
 */
export function readSecret(loc: Location, hist: History): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromUrl = params.get('secret');
  if (fromUrl !== null) {
    params.delete('secret');
    const rest = params.toString();
    hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
    if (SECRET_PATTERN.test(fromUrl)) {
      store(fromUrl);
      return fromUrl;
    }
  }
  const stored = readStored();
  return stored !== null && SECRET_PATTERN.test(stored) ? stored : null;
}
