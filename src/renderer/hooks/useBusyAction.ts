import { useCallback, useState } from 'react';

/**
 * Runs one action at a time for a form: `busy` disables its buttons while it runs, and a failure
 * lands in `error` for <ErrorMessage> instead of an unhandled rejection.
 */
export function useBusyAction(): { busy: boolean; error: unknown; setError: (e: unknown) => void; act: (action: () => Promise<unknown>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = useCallback(async (action: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, act };
}
