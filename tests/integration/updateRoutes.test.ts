import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { dropRunDatabase, seedTask, startTestServer, type StationClient, type TestServer } from '../helpers/serverStores.js';

/**
 * The update channel of the central server: `server publish-update` (sha512 checked against the
 * yml before anything is published), the station-only download routes with Range requests, and
 * the admin's pin and rollback. The release folders are laid out as electron-builder writes them.
 */
after(() => dropRunDatabase());

const root = resolve(import.meta.dirname, '../..');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('base64');

interface FakeRelease {
  dir: string;
  exe: Buffer;
  appImage: Buffer;
  exeName: string;
}

/** electron-builder's output for one version: Windows and Linux installers, a blockmap, the yml files. */
function makeRelease(parent: string, version: string): FakeRelease {
  const dir = join(parent, `release-${version}`);
  mkdirSync(dir, { recursive: true });
  const exe = randomBytes(300_000);
  const appImage = randomBytes(120_000);
  const exeName = `campus-capture-${version}-win-x64.exe`;
  const appName = `campus-capture-${version}-linux-x86_64.AppImage`;
  writeFileSync(join(dir, exeName), exe);
  writeFileSync(join(dir, appName), appImage);
  writeFileSync(join(dir, `${exeName}.blockmap`), gzipSync(JSON.stringify({ version: '2', files: [{ name: 'file', offset: 0, checksums: ['x'], sizes: [exe.length] }] })));
  writeFileSync(join(dir, 'builder-debug.yml'), 'x: 1\n');
  const yml = (name: string, bytes: Buffer) =>
    `version: ${version}\nfiles:\n  - url: ${name}\n    sha512: ${sha512(bytes)}\n    size: ${bytes.length}\npath: ${name}\nsha512: ${sha512(bytes)}\nreleaseDate: '2026-12-07T10:00:00.000Z'\n`;
  writeFileSync(join(dir, 'latest.yml'), yml(exeName, exe));
  writeFileSync(join(dir, 'latest-linux.yml'), yml(appName, appImage));
  return { dir, exe, appImage, exeName };
}

function publish(dataDir: string, dir: string, channel = 'stable'): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server/cli.ts'), 'publish-update', dir, '--channel', channel, '--data', dataDir, '--json'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** electron-updater's own multipart/byteranges reader, the one its differential download uses. */
const require = createRequire(import.meta.url);
const { DataSplitter } = require('electron-updater/out/differentialDownloader/DataSplitter.js') as {
  DataSplitter: new (
    out: Writable,
    options: { tasks: { kind: number; start: number; end: number }[]; start: number; end: number; oldFileFd: number },
    partIndexToTaskIndex: Map<number, number>,
    boundary: string,
    partIndexToLength: number[],
    finishHandler: () => void,
    grandTotalBytes: number,
    onProgress: undefined,
  ) => Writable;
};

describe('update channel: publish, station downloads with ranges, pin and rollback', () => {
  let s: TestServer;
  let station: StationClient;
  let work: string;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(s.url + path, { headers: { Authorization: station.authorization, ...headers } });

  before(async () => {
    s = await startTestServer('sqlite');
    await seedTask(s);
    station = await s.enrol('st-upd');
    work = mkdtempSync(join(tmpdir(), 'cc-updates-'));
  });
  after(async () => {
    await s.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('a release whose installer does not match its sha512 is refused whole; nothing is served', async () => {
    const bad = makeRelease(work, '0.9.0');
    const exe = Buffer.from(bad.exe);
    exe[1000] = exe[1000]! ^ 0xff;
    writeFileSync(join(bad.dir, bad.exeName), exe);
    const r = publish(s.dataDir, bad.dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /sha512/);
    assert.match(r.stderr, /未发布/);
    assert.equal(existsSync(join(s.dataDir, 'updates', 'releases', '0.9.0')), false);
    const yml = await get('/v1/updates/stable/latest.yml');
    assert.equal(yml.status, 404);
    const info = await get('/v1/updates/stable');
    assert.deepEqual(await info.json(), { channel: 'stable', version: null, pinned: false });
  });

  test('a size that differs from the yml is refused too', () => {
    const bad = makeRelease(work, '0.9.1');
    writeFileSync(join(bad.dir, bad.exeName), Buffer.concat([bad.exe, Buffer.from('x')]));
    const r = publish(s.dataDir, bad.dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bytes/);
  });

  let v1: FakeRelease;
  test('publish-update checks and publishes; only stations with a credential download', async () => {
    v1 = makeRelease(work, '1.0.0');
    const r = publish(s.dataDir, v1.dir);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { version: string; files: string[]; skipped: string[] };
    assert.equal(out.version, '1.0.0');
    assert.deepEqual(out.skipped, ['builder-debug.yml']);
    assert.ok(out.files.includes(`${v1.exeName}.blockmap`));

    assert.equal((await fetch(s.url + '/v1/updates/stable/latest.yml')).status, 401);
    assert.equal((await fetch(s.url + '/v1/updates/stable/latest.yml', { headers: { Authorization: `Bearer ${s.running.adminToken}` } })).status, 401);
    assert.equal((await fetch(s.url + '/v1/updates/stable', { headers: { Authorization: 'Bearer nobody.nothing' } })).status, 401);

    const yml = await get('/v1/updates/stable/latest.yml');
    assert.equal(yml.status, 200);
    assert.match(await yml.text(), /^version: 1\.0\.0$/m);
    const exe = await get(`/v1/updates/stable/${v1.exeName}`);
    assert.equal(exe.status, 200);
    assert.equal(exe.headers.get('accept-ranges'), 'bytes');
    assert.ok(Buffer.from(await exe.arrayBuffer()).equals(v1.exe));
    assert.deepEqual(await (await get('/v1/updates/stable')).json(), { channel: 'stable', version: '1.0.0', pinned: false });
    // The other channel has nothing yet.
    assert.equal((await get('/v1/updates/pilot/latest.yml')).status, 404);
    assert.equal((await get('/v1/updates/beta/latest.yml')).status, 404);
  });

  test('Range: one range, a suffix, an open end, several at once (read by electron-updater), unsatisfiable, If-Range', async () => {
    const path = `/v1/updates/stable/${v1.exeName}`;
    const one = await get(path, { Range: 'bytes=100-1099' });
    assert.equal(one.status, 206);
    assert.equal(one.headers.get('content-range'), `bytes 100-1099/${v1.exe.length}`);
    assert.ok(Buffer.from(await one.arrayBuffer()).equals(v1.exe.subarray(100, 1100)));

    const suffix = await get(path, { Range: 'bytes=-500' });
    assert.equal(suffix.status, 206);
    assert.ok(Buffer.from(await suffix.arrayBuffer()).equals(v1.exe.subarray(v1.exe.length - 500)));

    const open = await get(path, { Range: 'bytes=299000-' });
    assert.equal(open.status, 206);
    assert.ok(Buffer.from(await open.arrayBuffer()).equals(v1.exe.subarray(299_000)));

    // electron-updater's multi-range request, parsed by electron-updater's own splitter.
    const parts = [
      [0, 9999],
      [50_000, 50_000],
      [123_456, 200_000],
      [299_990, 299_999],
    ] as const;
    const multi = await get(path, { Range: `bytes=${parts.map(([a, b]) => `${a}-${b}`).join(', ')}` });
    assert.equal(multi.status, 206);
    const boundary = /boundary=(\S+)/.exec(multi.headers.get('content-type') ?? '')?.[1];
    assert.ok(boundary, multi.headers.get('content-type') ?? 'no content-type');
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    const tasks = parts.map(([a, b]) => ({ kind: 1, start: a, end: b + 1 }));
    const finished = new Promise<void>((resolveDone, reject) => {
      const splitter = new DataSplitter(out, { tasks, start: 0, end: tasks.length, oldFileFd: -1 }, new Map(tasks.map((_t, i) => [i, i])), boundary, tasks.map((t) => t.end - t.start), resolveDone, 0, undefined);
      splitter.on('error', reject);
      // Fed in small pieces, so part boundaries fall inside chunks as they do on a real network.
      void multi.arrayBuffer().then((ab) => {
        const body = Buffer.from(ab);
        for (let i = 0; i < body.length; i += 4096) splitter.write(body.subarray(i, i + 4096));
      }, reject);
    });
    await finished;
    assert.ok(Buffer.concat(chunks).equals(Buffer.concat(parts.map(([a, b]) => v1.exe.subarray(a, b + 1)))));

    const beyond = await get(path, { Range: `bytes=${v1.exe.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${v1.exe.length}`);

    const etag = one.headers.get('etag')!;
    assert.ok(etag);
    assert.equal((await get(path, { Range: 'bytes=0-9', 'If-Range': etag })).status, 206);
    const stale = await get(path, { Range: 'bytes=0-9', 'If-Range': '"another-build"' });
    assert.equal(stale.status, 200);
    assert.equal(Number(stale.headers.get('content-length')), v1.exe.length);
    await stale.arrayBuffer();
  });

  test('nothing unpublished is served: unknown names, traversal, files the yml does not list', async () => {
    for (const name of ['builder-debug.yml', 'release.json', '..%2Fchannels.json', '..%2F..%2Fadmin-token', '%2E%2E', 'latest-mac.yml', `${v1.exeName}.missing`]) {
      const r = await get(`/v1/updates/stable/${name}`);
      assert.equal(r.status, 404, name);
      await r.arrayBuffer();
    }
    // Normalised away by the URL parser, then not a route of ours.
    assert.equal((await get('/v1/updates/stable/../../admin-token')).status, 404);
  });

  test('pinning holds a channel on a version; publishing behind a pin changes nothing; rollback goes back one', async () => {
    const v11 = makeRelease(work, '1.1.0');
    assert.equal(publish(s.dataDir, v11.dir).status, 0);
    assert.match(await (await get('/v1/updates/stable/latest.yml')).text(), /^version: 1\.1\.0$/m);
    // The old version's installer is no longer published on the channel.
    assert.equal((await get(`/v1/updates/stable/${v1.exeName}`)).status, 404);

    // Only the admin pins.
    const asStation = await fetch(s.url + '/v1/admin/updates/stable/pin', { method: 'PUT', headers: { Authorization: station.authorization, 'Content-Type': 'application/json' }, body: JSON.stringify({ version: '1.0.0' }) });
    assert.equal(asStation.status, 401);
    assert.equal((await s.admin('PUT', '/v1/admin/updates/stable/pin', { version: '3.0.0' })).status, 404);
    assert.equal((await s.admin('PUT', '/v1/admin/updates/stable/pin', { version: '1.0' })).status, 400);
    const pinned = await s.admin<{ version: string; pinned: string; current: string }>('PUT', '/v1/admin/updates/stable/pin', { version: '1.0.0' });
    assert.equal(pinned.status, 200);
    assert.equal(pinned.body.version, '1.0.0');
    assert.equal(pinned.body.current, '1.1.0');
    assert.deepEqual(await (await get('/v1/updates/stable')).json(), { channel: 'stable', version: '1.0.0', pinned: true });
    assert.match(await (await get('/v1/updates/stable/latest.yml')).text(), /^version: 1\.0\.0$/m);
    assert.ok(Buffer.from(await (await get(`/v1/updates/stable/${v1.exeName}`)).arrayBuffer()).equals(v1.exe));

    const v12 = makeRelease(work, '1.2.0');
    const r = publish(s.dataDir, v12.dir);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /pinned to 1\.0\.0/);
    assert.match(await (await get('/v1/updates/stable/latest.yml')).text(), /^version: 1\.0\.0$/m);

    assert.equal((await s.admin('PUT', '/v1/admin/updates/stable/pin', { version: null })).status, 200);
    assert.match(await (await get('/v1/updates/stable/latest.yml')).text(), /^version: 1\.2\.0$/m);

    const back = await s.admin<{ version: string; rolledBack: { version: string }[] }>('POST', '/v1/admin/updates/stable/rollback');
    assert.equal(back.status, 200);
    assert.equal(back.body.version, '1.1.0');
    assert.deepEqual(back.body.rolledBack.map((x) => x.version), ['1.2.0']);
    assert.match(await (await get('/v1/updates/stable/latest.yml')).text(), /^version: 1\.1\.0$/m);
    assert.equal((await get(`/v1/updates/stable/campus-capture-1.2.0-win-x64.exe`)).status, 404);

    const list = await s.admin<{ channels: { channel: string; version: string | null }[] }>('GET', '/v1/admin/updates');
    assert.deepEqual(list.body.channels.map((c) => [c.channel, c.version]), [['stable', '1.1.0'], ['pilot', null]]);
  });

  test('a version is immutable: the same bytes may go on another channel, different bytes never', async () => {
    assert.equal(publish(s.dataDir, join(work, 'release-1.2.0'), 'pilot').status, 0);
    assert.deepEqual(await (await get('/v1/updates/pilot')).json(), { channel: 'pilot', version: '1.2.0', pinned: false });
    const pilotRollback = await s.admin('POST', '/v1/admin/updates/pilot/rollback');
    assert.equal(pilotRollback.status, 409);

    const impostor = makeRelease(join(work, 'again'), '1.1.0');
    const r = publish(s.dataDir, impostor.dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already published with different files/);
    assert.deepEqual(readdirSync(join(s.dataDir, 'updates', 'releases')).sort(), ['1.0.0', '1.1.0', '1.2.0']);
  });

  test('publish-update: usage errors exit 2 with the usage', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server/cli.ts'), 'publish-update', '--channel', 'nightly', work], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown channel: nightly/);
  });
});
