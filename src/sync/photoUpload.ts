import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { DetailedError, Upload } from 'tus-js-client';
import { ServerError } from '../shared/sync/protocol.js';
import type { PhotoToUpload } from './syncStore.js';
import { httpFailure, networkError, SyncError } from './syncError.js';

export interface UploadOptions {
  endpoint: string;
  auth: string;
  /** Where an earlier attempt's upload lives on the server, if it got that far. */
  resumeUrl: string | null;
  /** Earlier attempts of this upload; see below for why the first one differs. */
  attempts: number;
  /** No byte moved and no answer for this long: the connection is dead even if no error says so. */
  idleTimeoutMs: number;
  onUrl: (url: string) => void;
  onProgress: (sent: number, total: number) => void;
}

/**
 * One photo to the server by tus. The first attempt sends the bytes with the creation request: one
 * request per photo on a good network. Its URL only arrives with the answer, so a first attempt cut
 * mid-body starts again from zero; every later attempt therefore creates the upload first, stores
 * its URL, then sends, and from then on resumes at the offset the server reports (a 5 MB original
 * cut at 4 MB sends 1 MB more, not 5). The file is read and hashed here: a photo that
 * changed on disk since it was queued is refused before a byte leaves.
 */
export async function uploadPhoto(photo: PhotoToUpload, opts: UploadOptions): Promise<void> {
  let data: Buffer;
  try {
    data = photo.read ? await photo.read() : await readFile(photo.path);
  } catch (err) {
    throw new SyncError('permanent', `照片文件无法读取（${(err as NodeJS.ErrnoException).code ?? 'error'}）`, `The photo file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const sha = createHash('sha256').update(data).digest('hex');
  if (sha !== photo.sha256) {
    throw new SyncError('permanent', '照片文件已损坏或被改动（校验值不符）', 'The photo file is damaged or was changed (sha256 differs)');
  }
  await new Promise<void>((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      if (err) reject(err);
      else resolve();
    };
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        void upload.abort().catch(() => undefined);
        finish(new SyncError('transient', '上传无响应，稍后继续', 'The upload stalled; will resume later'));
      }, opts.idleTimeoutMs);
    };
    const upload = new Upload(data, {
      endpoint: opts.endpoint,
      uploadUrl: opts.resumeUrl,
      uploadSize: data.length,
      metadata: { sha256: photo.sha256, orderId: photo.orderId, role: photo.role, filename: `${photo.role}.jpg` },
      headers: { authorization: opts.auth },
      uploadDataDuringCreation: opts.attempts === 0 && !opts.resumeUrl,
      // The outbox owns retries (with backoff that survives a restart); tus must not loop on its own.
      retryDelays: null,
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      onBeforeRequest: touch,
      onAfterResponse: touch,
      onProgress: (sent, total) => {
        touch();
        opts.onProgress(sent, total);
      },
      onUploadUrlAvailable: () => {
        if (upload.url) opts.onUrl(upload.url);
      },
      onSuccess: () => finish(),
      onError: (err) => finish(classifyTusError(err)),
    });
    touch();
    upload.start();
  });
}

function classifyTusError(err: Error | DetailedError): SyncError {
  const res = err instanceof DetailedError ? err.originalResponse : null;
  // No answer at all (reset, refused, cut mid-body) or an answer tus could not make sense of
  // (a truncated header): both are the network's doing, so the job is tried again.
  if (!res) return networkError((err instanceof DetailedError ? err.causingError : null) ?? err);
  let body: ServerError | null = null;
  try {
    body = ServerError.parse(JSON.parse(res.getBody()));
  } catch {
    // not our JSON: decide by status
  }
  return httpFailure(res.getStatus(), body?.error.code ?? null, body?.error.zh ?? null, body?.error.en ?? null, res.getHeader('retry-after') ?? null);
}
