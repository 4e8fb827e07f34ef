import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ReleaseRefused, UpdateChannel } from './releaseManifest.js';
import { UpdateRefused, UpdateStore } from './updateStore.js';

export const PUBLISH_USAGE = `用法 / usage: campus-capture server publish-update <dir> [--channel stable|pilot] [--data DIR] [--json]
  <dir>            electron-builder 的输出目录（latest*.yml、安装包、blockmap）/ electron-builder's output folder
  --channel NAME   发布到的频道 / channel to publish on (default stable)
  --data DIR       服务器数据目录 / the server's data folder (default as for \`server\`)
  --json           结果输出为一行 JSON / print the result as one JSON line
`;

/**
 * `campus-capture server publish-update <dir>`: checks every installer against its sha512 in the
 * yml files and publishes the release on a channel. Safe beside a running server (the server reads
 * the channels on every request). Exit 0 published, 1 refused, 2 usage.
 */
export async function publishUpdateCommand(argv: string[], defaultDataDir: () => string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { channel: { type: 'string', default: 'stable' }, data: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${PUBLISH_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stderr.write(PUBLISH_USAGE);
    return 0;
  }
  const channel = UpdateChannel.safeParse(values.channel);
  if (positionals.length !== 1 || !channel.success) {
    process.stderr.write(`${!channel.success ? `频道无效 / unknown channel: ${values.channel}\n` : '需要一个目录 / one folder is needed\n'}\n${PUBLISH_USAGE}`);
    return 2;
  }
  const store = new UpdateStore(values.data ?? defaultDataDir());
  try {
    const r = await store.publish(resolve(positionals[0]!), channel.data);
    if (values.json) {
      process.stdout.write(JSON.stringify({ event: 'published', channel: r.channel, version: r.version, served: r.view.version, files: r.files.map((f) => f.name), skipped: r.skipped }) + '\n');
    }
    process.stderr.write(`已发布 ${r.version} 到 ${r.channel} 频道 / published ${r.version} on the ${r.channel} channel (${r.files.length} files${r.alreadyStored ? ', already stored' : ''})\n`);
    if (r.skipped.length) process.stderr.write(`未列在 yml 中、未发布 / not listed in any yml, not published: ${r.skipped.join(', ')}\n`);
    if (r.view.pinned && r.view.pinned !== r.version) {
      process.stderr.write(`注意：该频道固定在 ${r.view.pinned}，采集站仍会收到 ${r.view.pinned} / note: the channel is pinned to ${r.view.pinned}; stations still get ${r.view.pinned}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ReleaseRefused || err instanceof UpdateRefused) {
      process.stderr.write(`${err.zh}\n${err.en}\n`);
      return 1;
    }
    throw err;
  }
}
