#!/usr/bin/env node
// Writes the kiosk's four sound cues as 16-bit mono WAV files next to this script. They are
// synthesised here from sine tones (no recording, no third-party sample, nothing downloaded), so
// their origin and licence are this repository's. Run: node resources/sounds/generate.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = 22050;
const here = dirname(fileURLToPath(import.meta.url));

/** Notes one after another: [frequency Hz (0 = silence), seconds, extra partial Hz or 0]. */
function render(notes, volume = 0.5) {
  const samples = [];
  for (const [freq, seconds, partial] of notes) {
    const n = Math.round(seconds * RATE);
    for (let i = 0; i < n; i++) {
      const t = i / RATE;
      // A 5 ms attack and an exponential decay: a soft click-free tone a photographer hears over a queue.
      const env = Math.min(1, t / 0.005) * Math.exp((-3 * t) / seconds);
      const tone = freq === 0 ? 0 : Math.sin(2 * Math.PI * freq * t) + (partial ? 0.5 * Math.sin(2 * Math.PI * partial * t) : 0);
      samples.push(volume * env * tone / (partial ? 1.5 : 1));
    }
  }
  return samples;
}

function wav(samples) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round(s * 32767))), i * 2));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const CUES = {
  // Rising two-note "ding-ding": the code was read and the student found.
  'scan-accepted': render([[988, 0.09, 0], [1319, 0.16, 0]]),
  // Two low buzzes: the code was read but refused, look at the screen.
  'scan-refused': render([[233, 0.14, 349], [0, 0.06, 0], [233, 0.2, 349]], 0.55),
  // A bright major third chord: the shot passed every check.
  'shot-passed': render([[1047, 0.35, 1319]]),
  // Falling minor third: the shot failed a check.
  'shot-failed': render([[440, 0.16, 0], [370, 0.3, 0]], 0.55),
};

for (const [name, samples] of Object.entries(CUES)) writeFileSync(join(here, `${name}.wav`), wav(samples));
console.log(`wrote ${Object.keys(CUES).length} cues to ${here}`);
