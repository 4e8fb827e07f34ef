import { useEffect, useRef } from 'react';
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

/**
 * A USB scanner works whatever has focus: its burst is taken out of the focused field (which gets its
 * earlier text back), its Enter never reaches that field, and the code goes to onScan.
 */
export function useScannerWedge(onScan: (text: string) => void, enabled: boolean): void {
  const latest = useRef(onScan);
  useEffect(() => {
    latest.current = onScan;
  });
  useEffect(() => {
    if (!enabled) return;
    const detector = new KeyBurstDetector();
    let field: HTMLInputElement | HTMLTextAreaElement | null = null;
    let valueBefore = '';
    const listener = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      const result = detector.onKey(event.key, event.timeStamp);
      if (result.kind === 'started') {
        // Keydown comes before the character lands: this is the field's text before a possible scan.
        field = editableField(event.target);
        valueBefore = field?.value ?? '';
      }
      if (result.kind !== 'burst') return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (field && field.value !== valueBefore) restoreValue(field, valueBefore);
      field = null;
      latest.current(result.text);
    };
    // Capture phase on window: runs before the focused field's own Enter handler.
    window.addEventListener('keydown', listener, true);
    return () => window.removeEventListener('keydown', listener, true);
  }, [enabled]);
}
