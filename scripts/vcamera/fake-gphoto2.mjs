#!/usr/bin/env node
// Stands in for `gphoto2` ONLY for the two live-view failures the virtual camera cannot produce,
// once each, when the file named by FAKE_GPHOTO2_FAULT_FILE holds one of:
//   hang     live view starts (the real banner on stderr) and then nothing comes, and Ctrl-C does
//            nothing either: a gphoto2 stuck in a USB read that never returns
//   garbage  live view starts and stdout carries bytes that are no JPEG (a broken USB transfer,
//            another program's output on the same pipe)
// The file is removed when the fault is played, so the next run is the real thing. Every other
// call, and every call without the file, runs the real gphoto2 (GPHOTO2_REAL, default
// /usr/bin/gphoto2) with the same arguments, environment and exit status: the virtual camera
// produces all the other faults itself (unplug, busy, store full, live view refused or timed out).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const args = process.argv.slice(2);
const faultFile = process.env.FAKE_GPHOTO2_FAULT_FILE;
const fault = faultFile && existsSync(faultFile) && args.includes('--capture-movie') ? readFileSync(faultFile, 'utf8').trim() : null;

if (fault === 'hang' || fault === 'garbage') {
  rmSync(faultFile, { force: true });
  // What the real command prints first (to stderr) in --capture-movie --stdout mode.
  process.stderr.write("Capturing preview frames as movie to 'stdout'. Press Ctrl-C to abort.\n");
  if (fault === 'hang') {
    // gphoto2's SIGINT handler only sets a flag that is read between frames: blocked in a read, it
    // never gets there.
    process.on('SIGINT', () => undefined);
    setInterval(() => undefined, 60_000);
  } else {
    let seed = 12345;
    const chunk = () => {
      const b = Buffer.alloc(65536);
      for (let i = 0; i < b.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        b[i] = seed >>> 24;
      }
      return b;
    };
    const timer = setInterval(() => process.stdout.write(chunk()), 10);
    process.on('SIGINT', () => {
      clearInterval(timer);
      // The real command's words when Ctrl-C ends a movie capture.
      process.stderr.write('Ctrl-C pressed ... Exiting.\n');
      process.exit(0);
    });
  }
} else {
  const real = spawn(process.env.GPHOTO2_REAL ?? '/usr/bin/gphoto2', args, { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => real.kill(sig));
  real.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
