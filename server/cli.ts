import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogLevel } from './ServerContext.js';
import { startServer } from './startServer.js';
import { publishUpdateCommand } from './updates/publishCommand.js';

/**
 * `campus-capture server`: the central server on its own. Human lines (zh + en) go to stderr; once
 * listening, ONE JSON line goes to stdout for a parent process (the kiosk's `npm start`, tests):
 *   {"event":"listening","url":…,"adminTokenFile":…,"enrolCode":… (with --demo)}
 */
export const SERVER_USAGE = `用法 / usage: campus-capture server [options]
  --data DIR       数据目录 / data folder (default $CC_SERVER_DATA or ~/.local/share/campus-capture-server)
  --port N         端口 / port (default 4790; 0 = any free port)
  --host ADDR      监听地址 / listen address (default 127.0.0.1)
  --postgres URL   使用 PostgreSQL（默认 SQLite）/ use PostgreSQL instead of SQLite (or $CC_SERVER_POSTGRES)
  --demo           首次启动时生成演示任务，并打印一个登记码 / seed the demo task; print an enrolment code
  --trust-proxy A,B  信任这些反向代理的 X-Forwarded-For/-Proto / believe these reverse proxies' X-Forwarded-For/-Proto (or $CC_SERVER_TRUST_PROXY)
  publish-update DIR [--channel stable|pilot]  发布采集站更新 / publish a station update (see publish-update --help)
  --with-parent    标准输入关闭时退出（由采集站启动时使用）/ exit when stdin closes (used when a kiosk starts it)
`;

export function defaultServerDataDir(): string {
  if (process.env.CC_SERVER_DATA) return process.env.CC_SERVER_DATA;
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'campus-capture-server');
}

function stderrLog(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  process.stderr.write(`[server] ${level} ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}\n`);
}

/** Runs until SIGTERM/SIGINT; returns the exit code on a start failure. */
export async function serverCommand(argv: string[]): Promise<number> {
  // `server publish-update <dir>`: publishes an electron-builder release on an update channel.
  if (argv[0] === 'publish-update') return publishUpdateCommand(argv.slice(1), defaultServerDataDir);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        port: { type: 'string', default: '4790' },
        host: { type: 'string', default: '127.0.0.1' },
        postgres: { type: 'string' },
        demo: { type: 'boolean', default: false },
        'trust-proxy': { type: 'string' },
        'with-parent': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${SERVER_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(SERVER_USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`端口无效 / invalid port: ${values.port}\n`);
    return 2;
  }
  const dataDir = values.data ?? defaultServerDataDir();
  const postgresUrl = values.postgres ?? process.env.CC_SERVER_POSTGRES;
  let server;
  try {
    const trustProxy = (values['trust-proxy'] ?? process.env.CC_SERVER_TRUST_PROXY ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    server = await startServer({ dataDir, port, host: values.host, store: postgresUrl ? { postgresUrl } : 'sqlite', demo: values.demo, trustProxy, log: stderrLog });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') process.stderr.write(`端口 ${port} 已被占用 / port ${port} is in use\n`);
    else process.stderr.write(`服务器启动失败 / the server failed to start: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(`中心服务器已启动 / central server listening at ${server.url}\n`);
  process.stderr.write(`数据目录 / data folder: ${dataDir} (${postgresUrl ? 'PostgreSQL' : 'SQLite'})\n`);
  process.stderr.write(`管理员令牌文件 / admin token file: ${server.adminTokenFile}\n`);
  process.stderr.write(`审核页面 / review page: ${server.url}/review\n`);
  if (server.demoEnrolCode) process.stderr.write(`采集站登记码 / station enrolment code: ${server.demoEnrolCode}\n`);
  process.stdout.write(
    JSON.stringify({ event: 'listening', url: server.url, adminTokenFile: server.adminTokenFile, ...(server.demoEnrolCode ? { enrolCode: server.demoEnrolCode } : {}) }) + '\n',
  );
  // A server logs and keeps serving after a stray rejection; an uncaught exception leaves state
  // unknown, so it logs and exits (the supervisor or the kiosk restarts it; nothing committed is lost).
  process.on('unhandledRejection', (err) => stderrLog('error', 'unhandled rejection', { error: String(err instanceof Error ? (err.stack ?? err.message) : err) }));
  process.on('uncaughtException', (err) => {
    stderrLog('error', 'uncaught exception', { error: err.stack ?? err.message });
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`收到 ${signal}，正在关闭 / ${signal}: shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`关闭出错 / error while closing: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by a kiosk (npm start): its end of our stdin closes when it dies, however it dies, so an
  // embedded server never outlives its kiosk and holds the port against the next start.
  if (values['with-parent']) {
    process.stdin.on('end', () => stop('parent gone'));
    process.stdin.on('error', () => stop('parent gone'));
    process.stdin.resume();
  }
  return -1;
}

// Run directly (bin/campus-capture.js imports this file for `server`): argv after the subcommand.
const invokedAs = process.argv[1] ?? '';
if (/[\\/]server[\\/]cli\.(js|ts)$/.test(invokedAs)) {
  const args = process.argv.slice(2);
  serverCommand(args[0] === 'server' ? args.slice(1) : args).then((code) => {
    if (code >= 0) process.exit(code);
  });
}
