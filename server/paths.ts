import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (where package.json is), found by walking up from this module, so files
 * beside the code (package.json, test fixtures) are found both from the sources and from the
 * bundle `npm start` runs (dist/hub/).
 */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** A path inside the project. */
export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);
