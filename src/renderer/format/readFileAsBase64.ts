import { bytesToBase64 } from './base64';
import { LocalError } from './describeError';

export { base64LengthOf } from './base64';

/** A file the photographer picked, as the base64 the contract carries; a file that vanished or
 * cannot be read says so in words. */
export async function readFileAsBase64(file: File): Promise<string> {
  let buffer: ArrayBuffer;
  try {
    buffer = await file.arrayBuffer();
  } catch {
    throw new LocalError('errors.fileUnreadable');
  }
  return bytesToBase64(new Uint8Array(buffer));
}
