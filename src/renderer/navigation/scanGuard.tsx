import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';

/** Screens with a half-filled form (walk-in, correction) hold the scanner off: a scan there would
 * otherwise type into the form and submit it, or throw the form away. */
interface ScanGuard {
  hold(): () => void;
  held(): boolean;
}

const Ctx = createContext<ScanGuard | null>(null);

export function ScanGuardProvider({ children }: { children: ReactNode }) {
  const holds = useRef(0);
  const guard = useRef<ScanGuard>({
    hold() {
      holds.current++;
      let released = false;
      return () => {
        if (!released) holds.current--;
        released = true;
      };
    },
    held: () => holds.current > 0,
  });
  return <Ctx.Provider value={guard.current}>{children}</Ctx.Provider>;
}

export function useScanGuard(): ScanGuard {
  const guard = useContext(Ctx);
  if (!guard) throw new Error('useScanGuard outside ScanGuardProvider');
  return guard;
}

/** While mounted, scans are held off. */
export function useHoldScans(): void {
  const guard = useScanGuard();
  useEffect(() => guard.hold(), [guard]);
}
