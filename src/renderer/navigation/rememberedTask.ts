const KEY = 'cc.task';

/** Per tab: after a reload or a forced re-login the photographer lands back in the same task. */
export function readRememberedTask(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function rememberTask(code: string | null): void {
  try {
    if (code === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, code);
  } catch {
    // Convenience only.
  }
}
