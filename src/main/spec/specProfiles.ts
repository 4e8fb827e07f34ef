import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecProfile } from '../../shared/spec/specProfile.js';
import { AppError } from '../../shared/errors.js';
import { packageRoot } from '../app/packageRoot.js';

/**
 * Photo spec profiles are data: the built-in ones in resources/specs, and any a site adds in
 * <data>/specs (same file name wins, so a school's stricter size bounds need no new release).
 * A profile that does not parse is refused by name, never half-used.
 */
export function loadSpecProfiles(dataDir?: string): Map<string, SpecProfile> {
  const profiles = new Map<string, SpecProfile>();
  const dirs = [join(packageRoot(), 'resources', 'specs'), ...(dataDir ? [join(dataDir, 'specs')] : [])];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const path = join(dir, file);
      let parsed;
      try {
        parsed = SpecProfile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) {
        throw new AppError('BAD_INPUT', {
          zh: `照片规格文件无效：${path}`,
          en: `Invalid photo spec profile: ${path}`,
          ...(parsed ? { details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } : {}),
        });
      }
      profiles.set(parsed.data.id, parsed.data);
    }
  }
  return profiles;
}

export function requireSpecProfile(profiles: ReadonlyMap<string, SpecProfile>, id: string): SpecProfile {
  const p = profiles.get(id);
  if (!p) throw new AppError('NOT_FOUND', { zh: `没有照片规格 ${id}`, en: `No photo spec profile ${id}` });
  return p;
}
