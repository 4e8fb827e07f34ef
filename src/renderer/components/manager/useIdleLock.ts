import { useEffect, useRef } from 'react';

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
const CHECK_MS = 5000;

/**
 * The station locks itself: after `minutes` without a key, a click or a touch anywhere, `onIdle`
 * runs (the app logs out to the PIN screen). 0 minutes: never. Input is noted cheaply (a timestamp)
 * and checked every few seconds, so a moving mouse costs nothing.
 */
export function useIdleLock(minutes: number, active: boolean, onIdle: () => void): void {
  const latest = useRef(onIdle);
  useEffect(() => {
    latest.current = onIdle;
  });
  useEffect(() => {
    if (!active || minutes <= 0) return;
    let last = Date.now();
    const seen = () => {
      last = Date.now();
    };
    for (const e of INPUT_EVENTS) window.addEventListener(e, seen, { passive: true, capture: true });
    const timer = setInterval(() => {
      if (Date.now() - last >= minutes * 60_000) {
        last = Date.now();
        latest.current();
      }
    }, CHECK_MS);
    return () => {
      clearInterval(timer);
      for (const e of INPUT_EVENTS) window.removeEventListener(e, seen, { capture: true });
    };
  }, [minutes, active]);
}
