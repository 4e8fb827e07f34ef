import { AppError } from '../../shared/errors.js';

/** What a per-file line of a CLI report says for a file that could not be used; anything else is a
 * bug and is thrown on. */
export function fileError(err: unknown): { code: string; zh: string; en: string } {
  if (err instanceof AppError) return { code: err.code, zh: err.zh, en: err.en };
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return { code: 'NOT_FOUND', zh: '文件不存在', en: 'No such file' };
  if (code === 'EACCES') return { code: 'FORBIDDEN', zh: '没有读取权限', en: 'Permission denied' };
  throw err;
}
