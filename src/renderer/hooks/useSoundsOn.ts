import { useSyncExternalStore } from 'react';
import { soundsOn, subscribeSounds } from '../sound/soundCues';

/** Whether the station's sound cues are on, kept in step with the switch. */
export function useSoundsOn(): boolean {
  return useSyncExternalStore(subscribeSounds, soundsOn);
}
