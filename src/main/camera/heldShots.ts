import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { HeldShot as HeldShotSchema } from '../../shared/rpc/contract.js';
import { writeDurably } from '../photos/durableWrite.js';

export type HeldShot = z.infer<typeof HeldShotSchema>;
export type HeldReason = HeldShot['reason'];

const ID = /^h-[0-9a-f-]{36}$/;

/**
 * Shots a camera delivered that could not be filed to anyone: nobody was being photographed, or the
 * next student had been checked in by the time the file arrived (DESIGN §5: never filed silently).
 * Each is a JPEG and a small JSON beside it in <data>/camera-held, written durably before the
 * camera's own copy is let go. Assigning one files it (and removes it from here); discarding moves
 * it to camera-held/discarded, where it stays until someone deletes the folder by hand.
 */
export class HeldShots {
  constructor(private readonly dir: string) {}

  async hold(bytes: Buffer, source: string, camera: string, reason: HeldReason, now: Date): Promise<HeldShot> {
    const id = `h-${randomUUID()}`;
    const shot: HeldShot = { id, source: source.slice(0, 200), camera, heldAt: now.toISOString(), reason, bytes: bytes.length };
    await writeDurably(join(this.dir, `${id}.jpg`), bytes);
    await writeDurably(join(this.dir, `${id}.json`), Buffer.from(JSON.stringify(shot)));
    return shot;
  }

  list(): HeldShot[] {
    if (!existsSync(this.dir)) return [];
    const out: HeldShot[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json') || !ID.test(name.slice(0, -5))) continue;
      try {
        const shot = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as HeldShot;
        if (existsSync(join(this.dir, `${shot.id}.jpg`)) && statSync(join(this.dir, `${shot.id}.jpg`)).size === shot.bytes) out.push(shot);
      } catch {
        // a half-written entry from a power cut: its JPEG is still there for a person to find
      }
    }
    return out.sort((a, b) => a.heldAt.localeCompare(b.heldAt));
  }

  get(id: string): HeldShot {
    const shot = ID.test(id) ? this.list().find((s) => s.id === id) : undefined;
    if (!shot) throw new AppError('NOT_FOUND', { zh: '没有这张待分配的照片（可能已被分配）', en: 'No such held shot (it may have been assigned already)' });
    return shot;
  }

  async read(id: string): Promise<Buffer> {
    this.get(id);
    return readFile(join(this.dir, `${id}.jpg`));
  }

  /** Filed elsewhere now: its entry goes (the JSON first, so a crash in between leaves no listed ghost).
   * An assigned shot is the capture's original now; a discarded one is kept aside. */
  async release(id: string, to: 'assigned' | 'discarded'): Promise<void> {
    this.get(id);
    if (to === 'assigned') {
      await rm(join(this.dir, `${id}.json`), { force: true });
      await rm(join(this.dir, `${id}.jpg`), { force: true });
      return;
    }
    const dest = join(this.dir, to);
    await mkdir(dest, { recursive: true, mode: 0o700 });
    await rename(join(this.dir, `${id}.json`), join(dest, `${id}.json`));
    await rename(join(this.dir, `${id}.jpg`), join(dest, `${id}.jpg`));
  }
}
