import { useEffect, useLayoutEffect, useRef } from 'react';
import { KeyBurstDetector } from '../input/keyBurstDetector';

/** React keeps an input's value in its own state; setting it the native way and firing "input"
 * is how a controlled field learns its text changed from outside. */
function restoreValue(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

function editableField(target: EventTarget | null): HTMLInputElement | HTMLTextAreaElement | null {
  if (target instanceof HTMLTextAreaElement) return target;
  if (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'file'].includes(target.type)) return target;
  return null;
}

/** With Caps Lock on, a scanner that sends Shift for capitals produces every letter in the other
 * case; turning them back is exact, and a 学信网 code hashed in the wrong case would match nobody. */
function undoCapsLock(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
}

/** Fired on window when a burst turned out to be a scan, so screens can drop shortcuts its
 * characters set off (the burst's Enter never reaches them). */
export const SCAN_BURST_EVENT = 'campus-capture:scan-burst';

export interface WedgeHandlers {
  onScan: (text: string) => void;
  /** A scan that cannot be used: a Chinese input method ate it. */
  onUnreadable: () => void;
}

/**
 * A USB scanner works whatever has focus: its burst is taken out of the focused field (which gets its
 * earlier text back), its Enter never reaches that field, and the code goes to onScan.
 */
export function useScannerWedge(handlers: WedgeHandlers, enabled: boolean): void {
  const latest = useRef(handlers);
  // Before paint (see useWindowKeydown): an event arriving right after a render meets that render's handlers.
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    if (!enabled) return;
    const detector = new KeyBurstDetector();
    let field: HTMLInputElement | HTMLTextAreaElement | null = null;
    let valueBefore = '';
    let capsLock = false;
    const listener = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      const result = detector.onKey(event.key, event.timeStamp);
      if (result.kind === 'started') {
        // Keydown comes before the character lands: this is the field's text before a possible scan.
        field = editableField(event.target);
        valueBefore = field?.value ?? '';
        capsLock = event.getModifierState('CapsLock');
      }
      if (result.kind !== 'burst' && result.kind !== 'ime') return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const keep = result.kind === 'burst' ? valueBefore + result.typedBefore : valueBefore;
      if (field && field.value !== keep) restoreValue(field, keep);
      field = null;
      window.dispatchEvent(new Event(SCAN_BURST_EVENT));
      if (result.kind === 'ime') latest.current.onUnreadable();
      else latest.current.onScan(capsLock ? undoCapsLock(result.text) : result.text);
    };
    // Capture phase on window: runs before the focused field's own Enter handler.
    window.addEventListener('keydown', listener, true);
    return () => window.removeEventListener('keydown', listener, true);
  }, [enabled]);
}
