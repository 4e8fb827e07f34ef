// Where each model comes from: files inside the legacy MediaPipe solution packages on npm.
// Versions are pinned so that a rebuild reproduces the committed bytes (MODELS.json records them).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export const PACKAGES = {
  faceDetection: { name: '@mediapipe/face_detection', version: '0.4.1657300184' },
  faceMesh: { name: '@mediapipe/face_mesh', version: '0.4.1657299874' },
  selfieSegmentation: { name: '@mediapipe/selfie_segmentation', version: '0.1.1675465747' },
};

export function packageDir({ name, version }) {
  let manifest;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    throw new Error(`${name} is not installed: npm install --no-save ${name}@${version}`);
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  if (pkg.version !== version) throw new Error(`${name} is ${pkg.version}, the build expects ${version}`);
  if (pkg.license !== 'Apache-2.0') throw new Error(`${name} licence is ${pkg.license}, expected Apache-2.0`);
  return dirname(manifest);
}

export const readPackageFile = (pkg, file) => readFileSync(join(packageDir(pkg), file));

/**
 * The face_mesh package ships its models concatenated in face_mesh_solution_packed_assets.data; the
 * loader script next to it lists each file's byte range. Returns { basename: Buffer }.
 */
export function faceMeshPackedAssets() {
  const dir = packageDir(PACKAGES.faceMesh);
  const loader = readFileSync(join(dir, 'face_mesh_solution_packed_assets_loader.js'), 'utf8');
  const match = loader.match(/loadPackage\((\{"files".*?\})\)/s);
  if (!match) throw new Error('file table not found in face_mesh_solution_packed_assets_loader.js');
  const { files, remote_package_size: size } = JSON.parse(match[1]);
  const data = readFileSync(join(dir, 'face_mesh_solution_packed_assets.data'));
  if (data.length !== size) throw new Error(`packed assets are ${data.length} bytes, loader says ${size}`);
  return Object.fromEntries(files.map((f) => [f.filename.split('/').pop(), data.subarray(f.start, f.end)]));
}
