import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readRelease, ReleaseFileName, ReleaseRefused, ReleaseVersion, sha512Base64, UpdateChannel, CHANNEL_NAMES, type ReleaseFile } from './releaseManifest.js';

/**
 * Published releases and the channels that point at them, kept as files in the server's data
 * folder (`<data>/updates`), not in the database: installers are files anyway, and the
 * `publish-update` command can then run beside a live server on either store. A release folder is
 * written under a temporary name and renamed when complete, so a half-copied release is never
 * served; channels.json is replaced whole (temp file, fsync, rename) under a lock folder.
 */
const ReleaseRecord = z.object({
  version: ReleaseVersion,
  publishedAt: z.string(),
  files: z.array(z.object({ name: ReleaseFileName, bytes: z.number().int().nonnegative(), sha512: z.string().nullable(), kind: z.enum(['metadata', 'installer', 'blockmap']) })),
});
type ReleaseRecord = z.infer<typeof ReleaseRecord>;

const ChannelState = z.object({
  /** Versions as published on this channel, oldest first; the last one is current. */
  history: z.array(z.object({ version: ReleaseVersion, at: z.string() })),
  /** The admin's pin: served whatever is published after it, until unpinned. */
  pinned: ReleaseVersion.nullable(),
  /** Versions taken back by a rollback, for the record. */
  rolledBack: z.array(z.object({ version: ReleaseVersion, at: z.string() })),
});
type ChannelState = z.infer<typeof ChannelState>;
const ChannelsFile = z.object({ channels: z.record(UpdateChannel, ChannelState) });

export interface ChannelView {
  channel: UpdateChannel;
  /** What stations on this channel are given: the pin if there is one, else the current release. */
  version: string | null;
  pinned: string | null;
  current: string | null;
  history: { version: string; at: string }[];
  rolledBack: { version: string; at: string }[];
}

export interface PublishResult {
  channel: UpdateChannel;
  version: string;
  files: ReleaseFile[];
  skipped: string[];
  /** The release folder already held this very version (published before, e.g. on the other channel). */
  alreadyStored: boolean;
  view: ChannelView;
}

/** A refusal the admin routes and the CLI turn into their bilingual answers. */
export class UpdateRefused extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict' | 'bad_request',
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'UpdateRefused';
  }
}

const emptyChannel = (): ChannelState => ({ history: [], pinned: null, rolledBack: [] });

function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; the rename is durable enough there.
  }
}

export class UpdateStore {
  readonly root: string;
  private readonly releasesDir: string;
  private readonly channelsFile: string;
  private readonly lockDir: string;

  constructor(
    serverDataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.root = join(serverDataDir, 'updates');
    this.releasesDir = join(this.root, 'releases');
    this.channelsFile = join(this.root, 'channels.json');
    this.lockDir = join(this.root, 'channels.lock');
  }

  private readChannels(): Record<UpdateChannel, ChannelState> {
    const out = { stable: emptyChannel(), pilot: emptyChannel() };
    let text: string;
    try {
      text = readFileSync(this.channelsFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    const parsed = ChannelsFile.parse(JSON.parse(text));
    return { ...out, ...parsed.channels };
  }

  /** The CLI and the server may both change channels.json: one at a time, by an exclusive lock folder. */
  private async withChannels<T>(fn: (channels: Record<UpdateChannel, ChannelState>) => T): Promise<T> {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    for (let attempt = 0; ; attempt++) {
      try {
        mkdirSync(this.lockDir);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // A lock older than a minute was left by a killed process: nothing holds it for that long.
        try {
          if (Date.now() - statSync(this.lockDir).mtimeMs > 60_000) rmSync(this.lockDir, { recursive: true, force: true });
        } catch {
          // gone meanwhile
        }
        if (attempt > 200) throw new UpdateRefused('conflict', '更新频道正被另一个操作修改，请稍后再试', 'The update channels are being changed by another operation; try again');
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    try {
      const channels = this.readChannels();
      const result = fn(channels);
      writeWhole(this.channelsFile, JSON.stringify({ channels }, null, 2));
      return result;
    } finally {
      rmSync(this.lockDir, { recursive: true, force: true });
    }
  }

  private view(channel: UpdateChannel, s: ChannelState): ChannelView {
    const current = s.history.at(-1)?.version ?? null;
    return { channel, version: s.pinned ?? current, pinned: s.pinned, current, history: s.history, rolledBack: s.rolledBack };
  }

  channelView(channel: UpdateChannel): ChannelView {
    return this.view(channel, this.readChannels()[channel]);
  }

  channelViews(): ChannelView[] {
    const all = this.readChannels();
    return CHANNEL_NAMES.map((c) => this.view(c, all[c]));
  }

  release(version: string): ReleaseRecord | null {
    try {
      return ReleaseRecord.parse(JSON.parse(readFileSync(join(this.releasesDir, version, 'release.json'), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * The file a station may download: only a file of the version its channel serves now. Anything
   * else (another version's installer, a name the release does not list, `..`) is not found.
   */
  servedFile(channel: UpdateChannel, name: string): { path: string; file: ReleaseFile; version: string } | null {
    if (!ReleaseFileName.safeParse(name).success) return null;
    const version = this.channelView(channel).version;
    if (!version) return null;
    const file = this.release(version)?.files.find((f) => f.name === name);
    if (!file) return null;
    return { path: join(this.releasesDir, version, file.name), file, version };
  }

  /** Checks electron-builder's output, stores it as an immutable release, makes it current on `channel`. */
  async publish(sourceDir: string, channel: UpdateChannel): Promise<PublishResult> {
    const manifest = await readRelease(sourceDir);
    const target = join(this.releasesDir, manifest.version);
    const existing = this.release(manifest.version);
    let alreadyStored = false;
    if (existing) {
      // A version is immutable: the same bytes may go on another channel, different bytes never.
      const same =
        existing.files.length === manifest.files.length &&
        manifest.files.every((f) => existing.files.some((e) => e.name === f.name && e.sha512 === f.sha512 && (f.kind !== 'installer' || e.bytes === f.bytes)));
      if (!same) {
        throw new ReleaseRefused(
          `版本 ${manifest.version} 已经以不同的文件发布过；请提高版本号后重新构建`,
          `Version ${manifest.version} was already published with different files; raise the version and build again`,
        );
      }
      alreadyStored = true;
    } else {
      mkdirSync(this.releasesDir, { recursive: true, mode: 0o700 });
      const tmp = join(this.releasesDir, `.${manifest.version}.${randomBytes(6).toString('hex')}.partial`);
      mkdirSync(tmp, { mode: 0o700 });
      try {
        for (const f of manifest.files) {
          copyFileSync(join(sourceDir, f.name), join(tmp, f.name));
          // Checked again after the copy: the source could change between the check and the copy.
          if (f.sha512 && (await sha512Base64(join(tmp, f.name))) !== f.sha512) {
            throw new ReleaseRefused(`${f.name} 在复制时改变了，未发布`, `${f.name} changed while it was being copied; not published`);
          }
          const fd = openSync(join(tmp, f.name), 'r');
          try {
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        }
        const record: ReleaseRecord = { version: manifest.version, publishedAt: this.now().toISOString(), files: manifest.files };
        writeWhole(join(tmp, 'release.json'), JSON.stringify(record, null, 2));
        fsyncDir(tmp);
        renameSync(tmp, target);
        fsyncDir(this.releasesDir);
      } catch (err) {
        rmSync(tmp, { recursive: true, force: true });
        throw err;
      }
    }
    const view = await this.withChannels((channels) => {
      const s = channels[channel];
      if (s.history.at(-1)?.version !== manifest.version) s.history.push({ version: manifest.version, at: this.now().toISOString() });
      return this.view(channel, s);
    });
    return { channel, version: manifest.version, files: manifest.files, skipped: manifest.skipped, alreadyStored, view };
  }

  /** Pins `channel` to a version it has carried (null unpins): stations get that one until unpinned. */
  async pin(channel: UpdateChannel, version: string | null): Promise<ChannelView> {
    return this.withChannels((channels) => {
      const s = channels[channel];
      if (version !== null && !s.history.some((h) => h.version === version)) {
        throw new UpdateRefused('not_found', `频道 ${channel} 从未发布过版本 ${version}`, `Version ${version} was never published on the ${channel} channel`);
      }
      if (version !== null && !existsSync(join(this.releasesDir, version, 'release.json'))) {
        throw new UpdateRefused('not_found', `版本 ${version} 的文件不在服务器上`, `The files of version ${version} are not on the server`);
      }
      s.pinned = version;
      return this.view(channel, s);
    });
  }

  /** Takes the current release off `channel`: the one published before it is current again. */
  async rollback(channel: UpdateChannel): Promise<ChannelView> {
    return this.withChannels((channels) => {
      const s = channels[channel];
      if (s.history.length < 2) {
        throw new UpdateRefused('conflict', `频道 ${channel} 没有更早的版本可以回退`, `The ${channel} channel has no earlier version to roll back to`);
      }
      const gone = s.history.pop()!;
      s.rolledBack.push({ version: gone.version, at: this.now().toISOString() });
      // A pin on the withdrawn version would keep serving it: a rollback takes that pin away too.
      if (s.pinned === gone.version) s.pinned = null;
      return this.view(channel, s);
    });
  }
}
