/** A multiple of 3, so each chunk encodes without padding and the pieces concatenate cleanly. */
const CHUNK_BYTES = 3 * 8192;

/** Chunked so a 20 MB roster neither blows the argument limit of fromCharCode nor builds one giant binary string. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    parts.push(btoa(String.fromCharCode(...bytes.subarray(offset, offset + CHUNK_BYTES))));
  }
  return parts.join('');
}

export function base64LengthOf(byteCount: number): number {
  return Math.ceil(byteCount / 3) * 4;
}
