#!/usr/bin/env node
// Draws build/icon.png (1024×1024), the installers' icon: electron-builder derives the Windows .ico,
// the macOS .icns and the Linux sizes from it. Kept as a script so the icon is reproducible.
import sharp from 'sharp';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The 学信网 blue, a camera body and a head-and-shoulders silhouette in the lens.
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024" viewBox="0 0 1024 1024">
  <rect x="32" y="32" width="960" height="960" rx="200" fill="#0f172a"/>
  <rect x="152" y="300" width="720" height="500" rx="90" fill="#64c5ff"/>
  <rect x="380" y="220" width="264" height="120" rx="40" fill="#64c5ff"/>
  <circle cx="512" cy="550" r="190" fill="#0f172a"/>
  <circle cx="512" cy="505" r="70" fill="#f8fafc"/>
  <path d="M392 690 C400 600 624 600 632 690 Z" fill="#f8fafc"/>
  <circle cx="770" cy="370" r="28" fill="#0f172a"/>
</svg>`;
await sharp(Buffer.from(svg)).png().toFile(join(root, 'build', 'icon.png'));
console.log('build/icon.png');
