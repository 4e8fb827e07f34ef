/**
 * Single-key shortcuts on a screen a USB scanner may type into: a key is acted on only if no other
 * key follows within `quietMs`, so the characters of a scanned code (a few ms apart) never fire a
 * shortcut, while a pedal press or a person's key waits only that long.
 */
export class DeferredKey {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly quietMs = 80) {}

  /** Any keydown: cancels what was waiting. Then, for a shortcut, schedules its action. */
  press(action: (() => void) | null): void {
    clearTimeout(this.timer);
    this.timer = action ? setTimeout(action, this.quietMs) : undefined;
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}
