import { channel } from 'node:diagnostics_channel';

/**
 * Main's share of a shot, step by step (the analysis copy, the finish), published for bench/shutter
 * on a diagnostics channel: nothing is kept or logged, and with no subscriber nothing is built.
 */
export interface StillTimings {
  captureId: string;
  step: 'analysisCopy' | 'finish';
  ms: Record<string, number>;
}

export const STILL_TIMINGS_CHANNEL = 'campus-capture:still-timings';
const timings = channel(STILL_TIMINGS_CHANNEL);

export function publishStillTimings(t: StillTimings): void {
  if (timings.hasSubscribers) timings.publish(t);
}
