import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import yaml from 'js-yaml';
import { z } from 'zod';

/**
 * electron-builder's update metadata (latest.yml for Windows, latest-mac.yml, latest-linux.yml):
 * the version and, per installer, its name, sha512 (base64) and size. electron-updater trusts
 * these files, so the server checks every installer against them before it publishes anything.
 */
export const CHANNEL_NAMES = ['stable', 'pilot'] as const;
export const UpdateChannel = z.enum(CHANNEL_NAMES);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/** The metadata files electron-updater asks for, one per platform ("latest" is its default channel). */
export const METADATA_NAMES = ['latest.yml', 'latest-mac.yml', 'latest-linux.yml'] as const;

/** A version as electron-builder writes it (semver, no build metadata with slashes or spaces). */
export const ReleaseVersion = z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'semver x.y.z[-pre]');

/** One served file name: a single plain segment, so no name can climb out of the release folder. */
export const ReleaseFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[0-9A-Za-z][0-9A-Za-z._+-]*$/, 'a plain file name (letters, digits, . _ + -)')
  .refine((n) => !n.includes('..'), 'no ".."');

const Sha512Base64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'sha512 in base64');

const MetadataYaml = z.object({
  version: ReleaseVersion,
  files: z
    .array(z.object({ url: ReleaseFileName, sha512: Sha512Base64, size: z.number().int().positive().optional() }).passthrough())
    .min(1)
    .max(20),
  path: ReleaseFileName.optional(),
  sha512: Sha512Base64.optional(),
  releaseDate: z.string().optional(),
}).passthrough();
type MetadataYaml = z.infer<typeof MetadataYaml>;

export interface ReleaseFile {
  name: string;
  bytes: number;
  /** base64, as in the yml (null for metadata and blockmaps, which the yml does not hash). */
  sha512: string | null;
  kind: 'metadata' | 'installer' | 'blockmap';
}

export interface ReleaseManifest {
  version: string;
  files: ReleaseFile[];
  /** Files in the folder that no metadata names (left behind, listed so the publisher sees them). */
  skipped: string[];
}

/** A release folder that cannot be published, with the reasons in both languages. */
export class ReleaseRefused extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'ReleaseRefused';
  }
}

export async function sha512Base64(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

function parseMetadata(path: string): MetadataYaml {
  let doc: unknown;
  try {
    // The JSON schema: plain data only (no custom tags), like electron-updater reads it.
    doc = yaml.load(readFileSync(path, 'utf8'), { schema: yaml.JSON_SCHEMA });
  } catch (err) {
    throw new ReleaseRefused(`${basename(path)} 不是有效的 YAML：${(err as Error).message}`, `${basename(path)} is not valid YAML: ${(err as Error).message}`);
  }
  const r = MetadataYaml.safeParse(doc);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ReleaseRefused(`${basename(path)} 内容无效：${why}`, `${basename(path)} is invalid: ${why}`);
  }
  return r.data;
}

/**
 * Reads electron-builder's output folder and checks it: every metadata file names one version,
 * every installer it names is there with that size and sha512, every blockmap belongs to a named
 * installer and is the gzip'd JSON electron-updater expects. Throws ReleaseRefused on any mismatch:
 * nothing half-right is published.
 */
export async function readRelease(dir: string): Promise<ReleaseManifest> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile());
  } catch (err) {
    throw new ReleaseRefused(`读不了发布目录 ${dir}：${(err as Error).message}`, `Cannot read the release folder ${dir}: ${(err as Error).message}`);
  }
  const metaNames = METADATA_NAMES.filter((m) => names.includes(m));
  if (metaNames.length === 0) {
    throw new ReleaseRefused(`${dir} 里没有 latest.yml / latest-mac.yml / latest-linux.yml（electron-builder 的输出目录）`, `${dir} holds no latest.yml / latest-mac.yml / latest-linux.yml (electron-builder's output folder)`);
  }
  const files = new Map<string, ReleaseFile>();
  let version: string | null = null;
  const problems: { zh: string; en: string }[] = [];
  for (const m of metaNames) {
    const meta = parseMetadata(join(dir, m));
    if (version !== null && meta.version !== version) {
      throw new ReleaseRefused(`${m} 的版本 ${meta.version} 与其他文件的 ${version} 不同`, `${m} names version ${meta.version}, the others ${version}`);
    }
    version = meta.version;
    files.set(m, { name: m, bytes: statSync(join(dir, m)).size, sha512: null, kind: 'metadata' });
    const listed = [...meta.files.map((f) => ({ url: f.url, sha512: f.sha512, size: f.size }))];
    if (meta.path && meta.sha512) listed.push({ url: meta.path, sha512: meta.sha512, size: undefined });
    for (const f of listed) {
      const p = join(dir, f.url);
      if (!names.includes(f.url)) {
        problems.push({ zh: `${m} 列出的 ${f.url} 不在目录里`, en: `${f.url}, listed in ${m}, is missing` });
        continue;
      }
      const size = statSync(p).size;
      if (f.size !== undefined && f.size !== size) {
        problems.push({ zh: `${f.url} 大小 ${size} 字节，${m} 写的是 ${f.size}`, en: `${f.url} is ${size} bytes, ${m} says ${f.size}` });
        continue;
      }
      const prior = files.get(f.url);
      if (prior?.sha512 && prior.sha512 !== f.sha512) {
        problems.push({ zh: `${f.url} 在两个 yml 里的 sha512 不同`, en: `${f.url} has two different sha512 in the yml files` });
        continue;
      }
      if (prior?.sha512) continue;
      const actual = await sha512Base64(p);
      if (actual !== f.sha512) {
        problems.push({ zh: `${f.url} 的 sha512 与 ${m} 不符（文件损坏或不是这次构建的）`, en: `${f.url} does not match its sha512 in ${m} (damaged, or from another build)` });
        continue;
      }
      files.set(f.url, { name: f.url, bytes: size, sha512: f.sha512, kind: 'installer' });
    }
  }
  for (const n of names) {
    if (!n.endsWith('.blockmap')) continue;
    const installer = n.slice(0, -'.blockmap'.length);
    if (!files.get(installer) || files.get(installer)!.kind !== 'installer') continue;
    try {
      const map = JSON.parse(gunzipSync(readFileSync(join(dir, n))).toString('utf8')) as { files?: unknown };
      if (!Array.isArray(map.files)) throw new Error('no files list');
    } catch (err) {
      problems.push({ zh: `${n} 不是有效的 blockmap：${(err as Error).message}`, en: `${n} is not a valid blockmap: ${(err as Error).message}` });
      continue;
    }
    if (ReleaseFileName.safeParse(n).success) files.set(n, { name: n, bytes: statSync(join(dir, n)).size, sha512: null, kind: 'blockmap' });
  }
  if (problems.length > 0) {
    throw new ReleaseRefused(`未发布：${problems.map((p) => p.zh).join('；')}`, `Not published: ${problems.map((p) => p.en).join('; ')}`);
  }
  return { version: version!, files: [...files.values()].sort((a, b) => a.name.localeCompare(b.name)), skipped: names.filter((n) => !files.has(n)).sort() };
}
