/** Marks the elements that arrow keys step through inside a list (task cards, queue rows). */
export const ROVING_ITEM_ATTRIBUTE = 'data-roving-item';

/** Arrow keys move focus between the items of one list; returns whether it handled the key. */
export function moveRovingFocus(container: HTMLElement, key: string): boolean {
  const delta = key === 'ArrowDown' || key === 'ArrowRight' ? 1 : key === 'ArrowUp' || key === 'ArrowLeft' ? -1 : 0;
  if (delta === 0) return false;
  const items = Array.from(container.querySelectorAll<HTMLElement>(`[${ROVING_ITEM_ATTRIBUTE}]`));
  if (items.length === 0) return false;
  const index = items.findIndex((item) => item === document.activeElement);
  const next = items[index === -1 ? 0 : Math.min(items.length - 1, Math.max(0, index + delta))];
  next?.focus();
  next?.scrollIntoView({ block: 'nearest' });
  return true;
}

/** Whether a key press already belongs to a control (a focused button reacts to Enter on its own). */
export function isInteractiveTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.closest('button, a[href], input, select, textarea, [role="button"], [contenteditable="true"]') !== null;
}
