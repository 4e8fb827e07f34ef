#!/usr/bin/env node
// The face-comparison models (录取照片比对): copied unchanged from @vladmandic/face-api's model/ folder
// into resources/models/face-match/, with their licence, and recorded in MODELS.json and NOTICE beside
// the MediaPipe models (whose entries are kept as they are). Run on its own
// (node scripts/build-models/face-match.mjs [--out DIR]) or as the last step of build.mjs. No flatc needed.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const FACE_API = { name: '@vladmandic/face-api', version: '1.7.15' };
const SUBDIR = 'face-match';
const NOTICE_BEGIN = '--- face-match (录取照片比对) ---';

/** What each file is and where its weights come from. */
export const FACE_MATCH_MODELS = [
  {
    stem: 'tiny_face_detector_model',
    use: 'face detector (Tiny Face Detector, a depthwise-separable Tiny YOLO v2)',
    origin: 'trained by Vincent Mühler for face-api.js (MIT)',
    licence: 'MIT',
  },
  {
    stem: 'face_landmark_68_model',
    use: '68-point face landmarks (eye centres, nose tip and mouth corners for alignment)',
    origin: 'trained by Vincent Mühler for face-api.js (MIT)',
    licence: 'MIT',
  },
  {
    stem: 'face_recognition_model',
    use: 'face embedding, 128-d (dlib ResNet, 150×150 aligned input)',
    origin:
      "Davis King's dlib_face_recognition_resnet_model_v1 (dlib-models: released into the public domain by its author), weights ported to TensorFlow.js and quantised to 8 bit by face-api.js (MIT)",
    licence: 'public domain (weights) / MIT (port)',
  },
];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function packageDir() {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve(`${FACE_API.name}/package.json`));
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  if (version !== FACE_API.version) throw new Error(`${FACE_API.name} ${version} installed; ${FACE_API.version} expected (npm install)`);
  return dir;
}

const LICENCE_TEXT = (mit) => `Licences of the face-match models (resources/models/face-match/)

1. The package they come from, ${FACE_API.name}@${FACE_API.version}, is under the MIT licence:

${mit.trim()}

2. face-api.js by Vincent Mühler, from which that package is derived and whose authors trained
   tiny_face_detector_model and face_landmark_68_model, is under the MIT licence (same terms as above,
   "Copyright (c) 2018 Vincent Mühler").

3. face_recognition_model holds the weights of dlib_face_recognition_resnet_model_v1 by Davis King.
   Its author states in the dlib-models repository: "anyone can do whatever they want with these model
   files as I've released them into the public domain." It was trained on FaceScrub, the VGG face
   dataset and images collected from the internet (7485 identities, none from LFW).
`;

/** Copies the models into OUT/face-match and merges their entries into OUT/MODELS.json and OUT/NOTICE. */
export function addFaceMatchModels(out) {
  const src = packageDir();
  const dest = join(out, SUBDIR);
  mkdirSync(dest, { recursive: true });
  const entries = [];
  for (const m of FACE_MATCH_MODELS) {
    for (const file of [`${m.stem}-weights_manifest.json`, `${m.stem}.bin`]) {
      const from = join(src, 'model', file);
      copyFileSync(from, join(dest, file));
      const bytes = readFileSync(from);
      entries.push({
        file: `${SUBDIR}/${file}`,
        bytes: bytes.length,
        sha256: sha256(bytes),
        source: `${FACE_API.name}@${FACE_API.version}`,
        sourceFile: `model/${file}`,
        sourceSha256: sha256(bytes),
        licence: m.licence,
        licenceFiles: [`${SUBDIR}/LICENSE`, 'NOTICE'],
        use: m.use,
        origin: m.origin,
        changes: 'none',
      });
    }
  }
  writeFileSync(join(dest, 'LICENSE'), LICENCE_TEXT(readFileSync(join(src, 'LICENSE'), 'utf8')));

  const modelsFile = join(out, 'MODELS.json');
  const models = existsSync(modelsFile) ? JSON.parse(readFileSync(modelsFile, 'utf8')) : { generatedBy: 'scripts/build-models/build.mjs', models: [] };
  models.models = [...models.models.filter((e) => !e.file.startsWith(`${SUBDIR}/`)), ...entries];
  writeFileSync(modelsFile, JSON.stringify(models, null, 2) + '\n');

  const noticeFile = join(out, 'NOTICE');
  const notice = existsSync(noticeFile) ? readFileSync(noticeFile, 'utf8') : '';
  const kept = notice.includes(NOTICE_BEGIN) ? notice.slice(0, notice.indexOf(NOTICE_BEGIN)).trimEnd() + '\n\n' : notice.trimEnd() + '\n\n';
  const lines = [
    NOTICE_BEGIN,
    '',
    `The files in face-match/ are copied unchanged from the npm package ${FACE_API.name}@${FACE_API.version} (MIT);`,
    'their licences are in face-match/LICENSE (not the Apache-2.0 text in LICENSE, which covers the MediaPipe files above).',
    '',
  ];
  for (const m of FACE_MATCH_MODELS) lines.push(`face-match/${m.stem}.bin (+ -weights_manifest.json)`, `  use: ${m.use}`, `  origin: ${m.origin}`, '');
  writeFileSync(noticeFile, kept + lines.join('\n'));
  for (const e of entries) console.log(`${e.file}  ${e.bytes} bytes  ${e.sha256}`);
  return entries;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: resolve(import.meta.dirname, '../../resources/models') } } });
  addFaceMatchModels(resolve(values.out));
}
