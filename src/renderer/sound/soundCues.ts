/**
 * Short sounds a photographer can work by without looking at the screen (issue 15): a code read
 * and accepted, a code refused, a shot that passed, a shot that failed. On unless the station turns
 * them off; the files are bundled (resources/sounds, synthesised there), never fetched elsewhere.
 */
export type SoundCue = 'scan-accepted' | 'scan-refused' | 'shot-passed' | 'shot-failed';

const URLS: Record<SoundCue, string> = {
  'scan-accepted': new URL('../../../resources/sounds/scan-accepted.wav', import.meta.url).href,
  'scan-refused': new URL('../../../resources/sounds/scan-refused.wav', import.meta.url).href,
  'shot-passed': new URL('../../../resources/sounds/shot-passed.wav', import.meta.url).href,
  'shot-failed': new URL('../../../resources/sounds/shot-failed.wav', import.meta.url).href,
};

const STORAGE_KEY = 'campus-capture.sounds';

function remembered(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

let on = remembered();
const listeners = new Set<() => void>();
const players = new Map<SoundCue, HTMLAudioElement>();
let played = 0;

export function soundsOn(): boolean {
  return on;
}

export function setSoundsOn(next: boolean): void {
  on = next;
  try {
    localStorage.setItem(STORAGE_KEY, next ? 'on' : 'off');
  } catch {
    // A profile without storage keeps the choice until the window closes.
  }
  listeners.forEach((l) => l());
}

export function subscribeSounds(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function playCue(cue: SoundCue): void {
  if (!on) return;
  played++;
  // Which cue sounded last, on the page: what a test (or someone helping by phone) can check.
  document.documentElement.dataset.soundCue = `${cue}:${played}`;
  let audio = players.get(cue);
  if (!audio) {
    audio = new Audio(URLS[cue]);
    players.set(cue, audio);
  }
  audio.currentTime = 0;
  // A browser that refuses to play (no audio device, no gesture yet) must not disturb the work.
  audio.play().catch(() => undefined);
}
