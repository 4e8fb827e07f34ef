import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../app/packageRoot.js';

/**
 * The face-api networks on TensorFlow.js's WASM backend, in this Node process: the detector, the
 * 68-point landmarker and the dlib ResNet embedder, loaded once from resources/models/face-match
 * (copied there from the npm package by scripts/build-models/face-match.mjs; nothing is fetched).
 * The package's own types pull in all of tfjs; we declare the little we call.
 */
export const EMBEDDER_ID = 'dlib-resnet-v1/face-api-1.7.15';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Tensor {
  dispose(): void;
  readonly shape: number[];
}
interface Detection {
  score: number;
  box: Box;
}
interface Landmarks {
  positions: Array<{ x: number; y: number }>;
}
interface Tf {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor3d(values: ArrayLike<number>, shape: [number, number, number], dtype?: 'int32' | 'float32'): Tensor;
  engine(): { startScope(): void; endScope(): void };
  memory(): { numTensors: number };
}
interface FaceApi {
  tf: Tf;
  nets: {
    tinyFaceDetector: { loadFromDisk(dir: string): Promise<void>; locateFaces(input: Tensor, options: unknown): Promise<Detection[]> };
    faceLandmark68Net: { loadFromDisk(dir: string): Promise<void>; detectLandmarks(input: Tensor): Promise<Landmarks> };
    faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; computeFaceDescriptor(input: Tensor): Promise<Float32Array> };
  };
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  Rect: new (x: number, y: number, w: number, h: number) => Box;
  extractFaceTensors(image: Tensor, boxes: Box[]): Promise<Tensor[]>;
}

export interface FaceNets {
  api: FaceApi;
  tf: Tf;
}

let loading: Promise<FaceNets> | null = null;

export function modelDir(): string {
  return join(packageRoot(), 'resources', 'models', 'face-match');
}

/** Loads once per process (~0.3 s); later calls share it. */
export function faceNets(): Promise<FaceNets> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    // The node-wasm build: tfjs core + the WASM backend, no native TensorFlow and no network.
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const { tf } = api;
    await tf.setBackend('wasm');
    await tf.ready();
    const dir = modelDir();
    await api.nets.tinyFaceDetector.loadFromDisk(dir);
    await api.nets.faceLandmark68Net.loadFromDisk(dir);
    await api.nets.faceRecognitionNet.loadFromDisk(dir);
    return { api, tf };
  })().catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** One inference at a time: the WASM backend is single-threaded and tensors are process-global. */
let queue: Promise<unknown> = Promise.resolve();
export function withFaceNets<T>(work: (nets: FaceNets) => Promise<T>): Promise<T> {
  const run = queue.then(async () => work(await faceNets()));
  queue = run.catch(() => undefined);
  return run;
}
