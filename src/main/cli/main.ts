import { parseArgs } from 'node:util';
import { installGlobalErrorHandlers } from '../app/globalErrors.js';
import { TaskCode } from '../../shared/domain/entities.js';
import { defaultDataDir } from '../app/dataDir.js';
import { loadSpecProfiles } from '../spec/specProfiles.js';
import { checkCommand } from './checkCommand.js';
import { decodeCommand } from './decodeCommand.js';
import { startCommand } from './startCommand.js';

const START_USAGE = `  start      启动采集站 / start the kiosk
             --data DIR    数据目录 / data folder (default: per-user data folder, or $CAMPUS_CAPTURE_DATA)
             --port N      本机端口 / loopback port (default 4780; 0 = any free port)
             --no-demo     不生成演示任务 / no demo task and operators
             --demo-students N  演示任务的学生人数（1–20000，默认 300；仅与 --no-server 同用）/
                           students in the demo task (1–20000, default 300; only with --no-server,
                           since the embedded server seeds its own 300), e.g. for a day-length bench/soak
             --no-open     不打开窗口 / do not open a window
             --no-electron 即使有 Electron 也使用网页外壳 / use the web shell even where Electron exists
             --server-port N  内置中心服务器端口 / embedded central server port (default 4790)
             --no-server   不启动内置中心服务器 / do not start the embedded central server
`;

const SERVER_USAGE = `  server     启动中心服务器 / start the central server (see: campus-capture server --help)
`;

const FILE_ERRORS = `             一个文件读不了（不存在、无权限、文件夹、管道或设备、符号链接循环、过大）只是报告中的一行，其余照常 /
             a file that cannot be read (missing, no permission, a folder, a pipe or device, a symlink loop,
             too large: refused by its size before reading) is one line of the report; the others go on.
             退出码非零仅因用法错误 / non-zero exit only for usage errors
`;

const CHECK_USAGE = `  check <photo...>   照片合规检查并生成成品照 / check photos and make the finished spec photo
             --spec ID     照片规格 / spec profile (default xuexin; also xuexin-white, print-1cun, print-2cun)
             --out DIR     成品照片输出目录 / write finished photos into DIR
             --json        输出 JSON / print JSON
             --data DIR    采集站数据目录（读取自定义规格）/ data folder (its specs/ profiles too)
${FILE_ERRORS}`;

const DECODE_USAGE = `  decode <image...>  识别图片中的二维码 / find the QR code in images (each at most 25 MB)
             --json        输出 JSON / print JSON
             --task CODE   按本站数据核验（预约码签名、名单）/ verify against this station's store
             --data DIR    采集站数据目录 / the station's data folder (with --task)
${FILE_ERRORS}`;

const MATCH_USAGE = `  match <photoA> <photoB>  录取照片比对 / compare a face photo (A: admission photo) with another (B: captured)
             --json        输出 JSON / print JSON (score, threshold, decision, each photo's issues)
${FILE_ERRORS}`;

const EXPORT_USAGE = `  export     按日批量导出（站点负责人）/ day batch export (site manager)
             --task CODE   任务代码 / task code (required)
             --date D      日期 YYYY-MM-DD（或 --from D --to D）/ the day (or a range with --from/--to)
             --out DIR     导出到此文件夹（如 U 盘）/ write into this folder (e.g. a USB drive) (required)
             --template T  照片命名 / file names, e.g. '{身份证号}' (default), '{学号}', '{考生号}', '{学校编码}_{学号}', '{姓名}_{学号}'
             --folders M   分文件夹 / folders: none (default), department (院系), major (专业), class (班级)
             --originals   同时导出原片 / also copy the untouched originals
             --no-zip      不生成 zip / no zip beside the folder
             --reason TEXT 用途（记入审计日志）/ why, for the audit log
             --data DIR    采集站数据目录 / the station's data folder
             --json        输出 JSON / print JSON (see README: 站点负责人 / Site manager)
             导出含完整身份证号：文件夹 700、文件 600，仅本用户可读 / the export holds full ID numbers:
             folders 700, files 600, readable by this user only
`;

const HEADER = '用法 / usage: campus-capture <command> [options]\n              campus-capture <command> --help\n\n';

const COMMAND_USAGE: Record<string, string> = {
  start: START_USAGE,
  server: SERVER_USAGE,
  check: CHECK_USAGE,
  decode: DECODE_USAGE,
  match: MATCH_USAGE,
  export: EXPORT_USAGE,
};

const USAGE = HEADER + Object.values(COMMAND_USAGE).join('\n');

function usageOf(command: string): string {
  return `用法 / usage: campus-capture ${command} [options]\n\n${COMMAND_USAGE[command]!}`;
}

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

function help(command: string): number {
  process.stdout.write(usageOf(command));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    return await dispatch(command, rest);
  } catch (err) {
    // An option the command does not know, or one without its value: a usage error, with the usage.
    if (command && command in COMMAND_USAGE && String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${usageOf(command)}`);
      return 2;
    }
    throw err;
  }
}

async function dispatch(command: string | undefined, rest: string[]): Promise<number> {
  switch (command) {
    case 'start': {
      const { values } = parseArgs({
        args: rest,
        options: {
          data: { type: 'string' },
          port: { type: 'string', default: '4780' },
          'no-demo': { type: 'boolean', default: false },
          'demo-students': { type: 'string', default: '300' },
          'no-open': { type: 'boolean', default: false },
          'no-electron': { type: 'boolean', default: false },
          'server-port': { type: 'string', default: '4790' },
          'no-server': { type: 'boolean', default: false },
          ...HELP,
        },
        strict: true,
      });
      if (values.help) return help('start');
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`端口无效 / invalid port: ${values.port}\n`);
        return 2;
      }
      const serverPort = Number(values['server-port']);
      if (!Number.isInteger(serverPort) || serverPort < 0 || serverPort > 65535) {
        process.stderr.write(`端口无效 / invalid port: ${values['server-port']}\n`);
        return 2;
      }
      const demoStudents = Number(values['demo-students']);
      if (!Number.isInteger(demoStudents) || demoStudents < 1 || demoStudents > 20_000) {
        process.stderr.write(`演示学生人数无效（1–20000）/ invalid number of demo students (1–20000): ${values['demo-students']}\n`);
        return 2;
      }
      if (demoStudents !== 300 && !values['no-server']) {
        process.stderr.write('--demo-students 仅与 --no-server 同用：内置中心服务器的演示任务固定为 300 人 / --demo-students needs --no-server: the embedded server\'s demo task has 300 students\n');
        return 2;
      }
      await startCommand({
        dataDir: values.data,
        port,
        demo: !values['no-demo'],
        demoStudents,
        open: !values['no-open'],
        electron: !values['no-electron'],
        serverPort: values['no-server'] ? null : serverPort,
      });
      return -1; // keeps running
    }
    case 'check': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { json: { type: 'boolean', default: false }, spec: { type: 'string', default: 'xuexin' }, out: { type: 'string' }, data: { type: 'string' }, ...HELP },
        allowPositionals: true,
        strict: true,
      });
      if (values.help) return help('check');
      if (positionals.length === 0) {
        process.stderr.write(`请给出至少一张照片 / give at least one photo\n\n${usageOf('check')}`);
        return 2;
      }
      const profiles = loadSpecProfiles(values.data);
      const spec = profiles.get(values.spec);
      if (!spec) {
        process.stderr.write(`没有照片规格 ${values.spec} / no spec profile ${values.spec} (${[...profiles.keys()].join(', ')})\n`);
        return 2;
      }
      return checkCommand({ files: positionals, spec, outDir: values.out ?? null, json: values.json });
    }
    case 'match': {
      const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false }, ...HELP }, allowPositionals: true, strict: true });
      if (values.help) return help('match');
      if (positionals.length !== 2) {
        process.stderr.write(`请给出两张照片 / give exactly two photos\n\n${usageOf('match')}`);
        return 2;
      }
      const { matchCommand } = await import('./matchCommand.js');
      return matchCommand({ admission: positionals[0]!, capture: positionals[1]!, json: values.json });
    }
    case 'export': {
      const { values } = parseArgs({
        args: rest,
        options: {
          task: { type: 'string' },
          date: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          out: { type: 'string' },
          template: { type: 'string' },
          folders: { type: 'string' },
          originals: { type: 'boolean', default: false },
          'no-zip': { type: 'boolean', default: false },
          reason: { type: 'string' },
          data: { type: 'string' },
          json: { type: 'boolean', default: false },
          ...HELP,
        },
        strict: true,
      });
      if (values.help) return help('export');
      const from = values.from ?? values.date;
      const to = values.to ?? values.date ?? values.from;
      if (!values.task || !values.out || !from || !to || (values.date && (values.from || values.to))) {
        process.stderr.write(`请给出 --task、--out 和 --date（或 --from/--to）/ give --task, --out and --date (or --from/--to)\n\n${usageOf('export')}`);
        return 2;
      }
      const { exportCommand, exportRequestFrom } = await import('./exportCommand.js');
      const built = exportRequestFrom({
        dataDir: values.data ?? defaultDataDir(),
        taskCode: values.task,
        from,
        to,
        outDir: values.out,
        ...(values.template ? { template: values.template } : {}),
        ...(values.folders ? { folders: values.folders } : {}),
        originals: values.originals,
        zip: !values['no-zip'],
        json: values.json,
        ...(values.reason ? { reason: values.reason } : {}),
      });
      if ('problems' in built) {
        process.stderr.write(`${built.problems.join('\n')}\n`);
        return 2;
      }
      return exportCommand(built.request, { dataDir: values.data ?? defaultDataDir(), json: values.json });
    }
    case 'decode': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { json: { type: 'boolean', default: false }, task: { type: 'string' }, data: { type: 'string' }, ...HELP },
        allowPositionals: true,
        strict: true,
      });
      if (values.help) return help('decode');
      if (positionals.length === 0) {
        process.stderr.write(`请给出至少一个图片文件 / give at least one image file\n\n${usageOf('decode')}`);
        return 2;
      }
      if (values.task !== undefined && !TaskCode.safeParse(values.task).success) {
        process.stderr.write(`任务代码无效 / invalid task code: ${values.task}\n`);
        return 2;
      }
      return decodeCommand({ files: positionals, json: values.json, dataDir: values.data ?? defaultDataDir(), ...(values.task ? { taskCode: values.task } : {}) });
    }
    case 'server':
      // bin/campus-capture.js hands `server` to the central server's own command line; this is
      // reached only when this file is run directly.
      if (rest.includes('--help') || rest.includes('-h')) return help('server');
      process.stderr.write('请用 campus-capture server 启动中心服务器 / start the central server with: campus-capture server\n');
      return 2;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`未知命令 / unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

installGlobalErrorHandlers();
main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as { zh?: string; en?: string; message?: string };
    process.stderr.write(e.zh && e.en ? `${e.zh}\n${e.en}\n` : `${e.message ?? String(err)}\n`);
    process.exitCode = e.zh ? 1 : 2;
  },
);
