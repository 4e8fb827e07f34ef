/** Messages between the scanner hook and its decoding worker. */
export type QrWorkerRequest =
  | { type: 'frame'; id: number; frameIndex: number; bitmap: ImageBitmap }
  | { type: 'pixels'; id: number; frameIndex: number; data: ArrayBuffer; width: number; height: number };

export type QrWorkerResponse =
  | { type: 'ready' }
  | { type: 'result'; id: number; text: string | null; pass: string | null; ms: number }
  | { type: 'failed'; id: number | null; message: string };
