import { createLogger } from '../log/logger.js';
import { Gphoto2AddonBackend } from './gphoto2/Gphoto2AddonBackend.js';
import { Gphoto2Backend, type Gphoto2Options } from './gphoto2/Gphoto2Backend.js';
import { loadGphoto2Addon } from './gphoto2/gphoto2Addon.js';

const log = createLogger('camera');

/** A tethered DSLR: in-process through the libgphoto2 addon, or through the gphoto2 command. */
export type DslrBackend = Gphoto2Backend | Gphoto2AddonBackend;

export function isDslrBackend(b: unknown): b is DslrBackend {
  return b instanceof Gphoto2Backend || b instanceof Gphoto2AddonBackend;
}

/** Which engine drives the DSLR, and why (shown beside the camera's status). */
export function dslrEngine(b: DslrBackend): { engine: 'addon' | 'cli'; fallbackReason: string | null } {
  if (b instanceof Gphoto2AddonBackend) return { engine: 'addon', fallbackReason: null };
  const load = loadGphoto2Addon();
  return { engine: 'cli', fallbackReason: load.ok ? null : load.reason };
}

/**
 * The addon where it loads (built by native/build.mjs for this machine's libgphoto2), else the
 * gphoto2 command. CC_GPHOTO2_ADDON=0 forces the command; a custom CC_GPHOTO2 command (a stand-in
 * for gphoto2 in tests) is honoured by choosing the command as well.
 */
export function createDslrBackend(opts: Gphoto2Options): DslrBackend {
  const load = loadGphoto2Addon();
  if (load.ok && !opts.command && !process.env.CC_GPHOTO2) {
    return new Gphoto2AddonBackend({ addon: load.addon, env: opts.env, spoolDir: opts.spoolDir, settings: opts.settings, timing: opts.timing });
  }
  if (!load.ok) log.info('DSLR through the gphoto2 command: the libgphoto2 addon is not available', { reason: load.reason });
  return new Gphoto2Backend(opts);
}
