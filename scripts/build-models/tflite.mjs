// TFLite flatbuffer editing by JSON round trip through Debian's flatc (flatbuffers-compiler 2.0.8),
// as measured in MODELS.md. flatc is a build-time tool only: the output is committed, so CI never runs it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Schemas shipped in shared/specs (TensorFlow authors, Apache-2.0); the path can be overridden. */
export const SPECS_DIR = process.env.TFLITE_SPECS_DIR ?? new URL('../../../shared/specs/tflite/', import.meta.url).pathname;
const MODEL_SCHEMA = join(SPECS_DIR, 'schema.fbs');
const METADATA_SCHEMA = join(SPECS_DIR, 'metadata_schema.fbs');

export function flatcVersion() {
  try {
    return execFileSync('flatc', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('flatc not found: apt-get install -y flatbuffers-compiler (see scripts/build-models/README.md)');
  }
}

// stderr is captured: flatc 2.0.8 warns about a field name in metadata_schema.fbs on every run.
function flatc(argv) {
  try {
    execFileSync('flatc', argv, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  } catch (e) {
    throw new Error(`flatc ${argv.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

function inTempDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'build-models-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Binary flatbuffer → plain object, using `schema`. */
export function flatbufferToObject(bytes, schema = MODEL_SCHEMA) {
  return inTempDir((dir) => {
    writeFileSync(join(dir, 'in.bin'), bytes);
    flatc(['--json', '--strict-json', '--raw-binary', '-o', dir, schema, '--', join(dir, 'in.bin')]);
    return JSON.parse(readFileSync(join(dir, 'in.json'), 'utf8'));
  });
}

/** Plain object → binary flatbuffer (with the schema's file identifier), using `schema`. */
export function objectToFlatbuffer(obj, schema = MODEL_SCHEMA) {
  return inTempDir((dir) => {
    writeFileSync(join(dir, 'in.json'), JSON.stringify(obj));
    flatc(['-b', '-o', join(dir, 'out'), schema, join(dir, 'in.json')]);
    const [name] = readdirSync(join(dir, 'out'));
    return readFileSync(join(dir, 'out', name));
  });
}

// flatc prints floats with 6 significant digits, so a JSON round trip is exact only for models whose
// tables hold no non-integer floats outside buffers: unquantised models using these op options.
const FLOAT_FREE_OPTIONS = new Set([
  'Conv2DOptions', 'DepthwiseConv2DOptions', 'AddOptions', 'MulOptions', 'Pool2DOptions', 'ReshapeOptions',
  'ConcatenationOptions', 'StridedSliceOptions', 'ResizeBilinearOptions', 'GatherOptions', 'ReducerOptions',
]);

export function assertRoundTripSafe(model) {
  for (const g of model.subgraphs) {
    for (const op of g.operators) {
      if (op.builtin_options_type && !FLOAT_FREE_OPTIONS.has(op.builtin_options_type)) {
        throw new Error(`${op.builtin_options_type} may hold floats that a flatc JSON round trip would round`);
      }
    }
    if (g.tensors.some((t) => t.quantization && Object.keys(t.quantization).length)) throw new Error('quantised tensors: round trip would round scales');
  }
  return model;
}

export const modelToObject = (bytes) => assertRoundTripSafe(flatbufferToObject(bytes, MODEL_SCHEMA));
export const objectToModel = (obj) => objectToFlatbuffer(obj, MODEL_SCHEMA);
export const metadataToBuffer = (obj) => objectToFlatbuffer(obj, METADATA_SCHEMA);
export const bufferToMetadata = (bytes) => flatbufferToObject(bytes, METADATA_SCHEMA);

/** Appends a buffer holding `bytes` and returns its index. */
export function addBuffer(model, bytes) {
  model.buffers.push({ data: [...bytes] });
  return model.buffers.length - 1;
}

/**
 * Stores `metadataBytes` (a ModelMetadata flatbuffer, identifier M001) as the model's TFLITE_METADATA,
 * the name MediaPipe Tasks' metadata extractor looks for. Replaces an existing one.
 */
export function setTfliteMetadata(model, metadataBytes) {
  const index = addBuffer(model, metadataBytes);
  model.metadata = [...(model.metadata ?? []).filter((m) => m.name !== 'TFLITE_METADATA'), { name: 'TFLITE_METADATA', buffer: index }];
}

/** Reads the TFLITE_METADATA buffer back as an object (null if absent). */
export function getTfliteMetadata(model) {
  const entry = (model.metadata ?? []).find((m) => m.name === 'TFLITE_METADATA');
  return entry ? bufferToMetadata(Buffer.from(model.buffers[entry.buffer].data)) : null;
}

/**
 * Image-model metadata as Tasks expects it: RGB input, NormalizationOptions (pixel = (v - mean) / std)
 * and the resulting value range; one named entry per output (the segmenter reads the last one).
 */
export function imageModelMetadata({ name, description, version, author, license, mean, std, width, height, outputs, customMetadata }) {
  return {
    name,
    description,
    version,
    author,
    license,
    subgraph_metadata: [
      {
        input_tensor_metadata: [
          {
            name: 'image',
            content: {
              content_properties_type: 'ImageProperties',
              content_properties: { color_space: 'RGB', default_size: { width, height } },
            },
            process_units: [{ options_type: 'NormalizationOptions', options: { mean: [mean], std: [std] } }],
            stats: { max: [(255 - mean) / std], min: [(0 - mean) / std] },
          },
        ],
        output_tensor_metadata: outputs.map((o) => ({ name: o.name, description: o.description })),
        ...(customMetadata ? { custom_metadata: customMetadata } : {}),
      },
    ],
  };
}

/** Index of the operator code for a builtin op, added if the model lacks it. */
export function opcodeIndex(model, builtinName, builtinNumber, version = 1) {
  const codeOf = (c) => Math.max(c.deprecated_builtin_code ?? 0, typeof c.builtin_code === 'number' ? c.builtin_code : 0);
  const found = model.operator_codes.findIndex(
    (c) => (c.builtin_code === builtinName || codeOf(c) === builtinNumber) && !c.custom_code && (c.version ?? 1) >= version,
  );
  if (found >= 0) return found;
  // Builtins below 127 are also written to deprecated_builtin_code, which older runtimes read.
  model.operator_codes.push({ deprecated_builtin_code: builtinNumber, builtin_code: builtinName, version });
  return model.operator_codes.length - 1;
}

export function int32Bytes(values) {
  return new Uint8Array(Int32Array.from(values).buffer);
}
