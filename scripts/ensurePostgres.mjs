#!/usr/bin/env node
// Makes a PostgreSQL server available for the tests that run the central server against it
// (issue 6: the same suites run on SQLite and on PostgreSQL). On Debian as root it installs the
// `postgresql` package when missing, starts the cluster, and creates a test role and database;
// it returns (module) or prints (command line) a connection URL. A CC_PG_URL already set wins:
// CI or a developer with their own server just points at it.
//
//   import { ensurePostgres } from './scripts/ensurePostgres.mjs'; const url = await ensurePostgres();
//   node scripts/ensurePostgres.mjs            # prints the URL
//   eval "$(node scripts/ensurePostgres.mjs --export)"   # sets CC_PG_URL in a shell
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aptInstall, failure, has, isRoot, run } from './lib/system.mjs';

const ROLE = 'cc_test';
// A fixed password is fine: the role can only create throwaway databases on a loopback server.
const PASSWORD = 'cc_test';
const DATABASE = 'cc_test';



function fail(zh, en, detail = '') {
  throw failure('POSTGRES_UNAVAILABLE', zh, en, detail);
}


function installPostgres() {
  if (has('pg_ctlcluster') || has('pg_ctl')) return;
  if (!isRoot() || !has('apt-get')) {
    fail('未找到 PostgreSQL，且无法自动安装', 'PostgreSQL is not installed and cannot be installed here: install Debian\'s "postgresql" package or set CC_PG_URL');
  }
  process.stderr.write('正在安装 PostgreSQL / installing Debian postgresql…\n');
  const failed = aptInstall(['postgresql']);
  if (failed) fail('安装 PostgreSQL 失败', 'installing postgresql failed', failed.stderr);
}

/** Debian clusters as {version, name, port, status}. */
function listClusters() {
  const r = run('pg_lsclusters', ['--no-header']);
  if (!r.ok) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p.length >= 4)
    .map(([version, name, port, status]) => ({ version, name, port: Number(port), status }));
}

/** Starts (creating if needed) a Debian cluster and returns its port. */
function startDebianCluster() {
  let clusters = listClusters();
  if (clusters.length === 0) {
    const versions = existsSync('/usr/lib/postgresql') ? run('ls', ['/usr/lib/postgresql']).stdout.split('\n').filter(Boolean).sort((a, b) => Number(b) - Number(a)) : [];
    if (versions.length === 0) fail('找不到 PostgreSQL 程序', 'no PostgreSQL version under /usr/lib/postgresql');
    const r = run('pg_createcluster', [versions[0], 'main']);
    if (!r.ok) fail('创建 PostgreSQL 集群失败', 'pg_createcluster failed', r.stderr);
    clusters = listClusters();
  }
  const cluster = clusters.find((c) => c.status === 'online') ?? clusters[0];
  if (!cluster) fail('没有可用的 PostgreSQL 集群', 'no PostgreSQL cluster');
  if (cluster.status !== 'online') {
    const r = run('pg_ctlcluster', [cluster.version, cluster.name, 'start']);
    // A stale pid file after a crash makes start fail once; a second try after status usually works.
    if (!r.ok && !listClusters().some((c) => c.name === cluster.name && c.version === cluster.version && c.status === 'online')) {
      fail('启动 PostgreSQL 失败', `pg_ctlcluster ${cluster.version} ${cluster.name} start failed`, r.stderr);
    }
  }
  return cluster.port;
}

function psqlAsPostgres(port, sql, database = 'postgres') {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-p', String(port), '-d', database, '-tA', '-c', sql];
  const r = isRoot() && has('runuser') ? run('runuser', ['-u', 'postgres', '--', 'psql', ...args]) : run('psql', args);
  if (!r.ok) fail('执行 PostgreSQL 管理命令失败', `psql failed: ${sql.split('\n')[0]}`, r.stderr);
  return r.stdout.trim();
}

async function waitForServer(port) {
  for (let i = 0; i < 50; i++) {
    const r = run('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)]);
    if (r.ok) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  fail('PostgreSQL 未能就绪', `PostgreSQL on port ${port} did not become ready`);
}

/** Returns a connection URL for a role that may create databases (the tests make one per run). */
export async function ensurePostgres() {
  if (process.env.CC_PG_URL) return process.env.CC_PG_URL;
  installPostgres();
  if (!has('pg_lsclusters')) {
    fail('只支持 Debian 的 PostgreSQL 集群管理（pg_ctlcluster）', 'only Debian clusters (pg_ctlcluster) are managed here; start PostgreSQL yourself and set CC_PG_URL');
  }
  if (!isRoot()) {
    const online = listClusters().find((c) => c.status === 'online');
    if (!online) fail('PostgreSQL 未运行，且非 root 用户无法启动它', 'PostgreSQL is not running and only root can start it here; start it or set CC_PG_URL');
  }
  const port = startDebianCluster();
  await waitForServer(port);
  const roleExists = psqlAsPostgres(port, `SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}'`) === '1';
  if (!roleExists) psqlAsPostgres(port, `CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}'`);
  else psqlAsPostgres(port, `ALTER ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}'`);
  const dbExists = psqlAsPostgres(port, `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`) === '1';
  if (!dbExists) psqlAsPostgres(port, `CREATE DATABASE ${DATABASE} OWNER ${ROLE}`);
  return `postgres://${ROLE}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const url = await ensurePostgres();
    if (process.argv.includes('--export')) process.stdout.write(`export CC_PG_URL='${url}'\n`);
    else process.stdout.write(url + '\n');
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
