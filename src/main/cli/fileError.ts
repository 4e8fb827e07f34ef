import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { AppError } from '../../shared/errors.js';

export interface FileErrorLine {
  code: string;
  zh: string;
  en: string;
}

/** Node's system errors carry the failed call's name; anything else thrown while handling a file is
 * a bug and is thrown on. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' && typeof (err as { syscall?: unknown }).syscall === 'string';
}

const SYSTEM_ERRORS: Record<string, FileErrorLine> = {
  ENOENT: { code: 'NOT_FOUND', zh: '文件不存在', en: 'No such file' },
  EACCES: { code: 'FORBIDDEN', zh: '没有读取权限', en: 'Permission denied' },
  EPERM: { code: 'FORBIDDEN', zh: '没有读取权限', en: 'Permission denied' },
  ELOOP: { code: 'BAD_INPUT', zh: '符号链接循环，无法找到文件', en: 'A symbolic link loop: the file cannot be reached' },
  EISDIR: { code: 'BAD_INPUT', zh: '是文件夹，不是文件', en: 'A folder, not a file' },
  ENOTDIR: { code: 'NOT_FOUND', zh: '路径中有一部分不是文件夹', en: 'Part of the path is not a folder' },
  ENAMETOOLONG: { code: 'BAD_INPUT', zh: '文件名过长', en: 'The file name is too long' },
  EIO: { code: 'BAD_INPUT', zh: '读取出错（磁盘或 U 盘故障？）', en: 'An I/O error while reading (a failing disk or drive?)' },
  EMFILE: { code: 'BAD_INPUT', zh: '打开的文件过多', en: 'Too many open files' },
};

/** What a per-file line of a CLI report says for a file that could not be used: every filesystem
 * error is one line; anything else is a bug and is thrown on. */
export function fileError(err: unknown): FileErrorLine {
  if (err instanceof AppError) return { code: err.code, zh: err.zh, en: err.en };
  if (isSystemError(err)) {
    return SYSTEM_ERRORS[err.code] ?? { code: 'BAD_INPUT', zh: `无法读取文件（${err.code}）`, en: `The file cannot be read (${err.code})` };
  }
  throw err;
}

function notRegular(kind: string, kindEn: string): AppError {
  return new AppError('BAD_INPUT', { zh: `不是普通文件（${kind}），未读取`, en: `Not a regular file (${kindEn}); not read` });
}

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

function tooLarge(size: number, maxBytes: number): AppError {
  return new AppError('FILE_TOO_LARGE', { zh: `文件 ${megabytes(size)}，超过 ${megabytes(maxBytes)} 上限，未读取`, en: `The file is ${megabytes(size)}, over the ${megabytes(maxBytes)} limit; not read` });
}

/**
 * One input file of a CLI batch, read only once it is known to be a regular file no larger than
 * `maxBytes`: a 3 GB file is refused by its size, a pipe or a device without being opened (opening
 * a FIFO would wait for a writer forever), a folder or a symlink loop by what stat says. The file
 * is opened non-blocking and checked again, in case it was swapped between stat and open.
 */
export async function readInputFile(path: string, maxBytes: number): Promise<Buffer> {
  const before = await stat(path);
  if (before.isDirectory()) throw new AppError('BAD_INPUT', { zh: '是文件夹，不是文件', en: 'A folder, not a file' });
  if (before.isFIFO()) throw notRegular('管道', 'a pipe');
  if (before.isSocket()) throw notRegular('套接字', 'a socket');
  if (before.isCharacterDevice() || before.isBlockDevice()) throw notRegular('设备', 'a device');
  if (!before.isFile()) throw notRegular('未知类型', 'an unknown kind');
  if (before.size > maxBytes) throw tooLarge(before.size, maxBytes);
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await fh.stat();
    if (!info.isFile() || info.ino !== before.ino || info.dev !== before.dev) throw new AppError('BAD_INPUT', { zh: '文件在读取时被替换', en: 'The file was replaced while being read' });
    if (info.size > maxBytes) throw tooLarge(info.size, maxBytes);
    // One byte more than stat said: a file still growing (a copy in progress) is refused, not cut short.
    const buf = Buffer.alloc(info.size + 1);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = (await fh.read(buf, got, buf.length - got, got)).bytesRead;
    if (got > info.size) throw new AppError('BAD_INPUT', { zh: '文件在读取时仍在变大（正在复制？）', en: 'The file grew while being read (still being copied?)' });
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
