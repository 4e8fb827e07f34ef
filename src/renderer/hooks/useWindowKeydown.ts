import { useEffect, useLayoutEffect, useRef } from 'react';

/** A window-level key handler that always sees the latest props without re-subscribing each render. */
export function useWindowKeydown(handler: (event: KeyboardEvent) => void, enabled = true): void {
  const latest = useRef(handler);
  // Before paint, not after: a key pressed the moment a control shows as ready (the shutter button
  // enabled, a pedal pressed as soon as the live view appears) must meet the handler of that same
  // render. A passive effect runs later under load, and the press met the previous render's
  // handler, which still saw no camera.
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const listener = (event: KeyboardEvent) => latest.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [enabled]);
}
