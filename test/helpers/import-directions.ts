import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

/**
 * The directions imports may take between the top-level parts (docs/ARCHITECTURE.md):
 *
 *   shared/     → nothing else in the repo
 *   server/     → shared/; bot/ only from the composition root (server/areas.ts)
 *   bot/        → shared/ and the server's public area interface (server/area.ts)
 *   extension/  → shared/
 *   tests (test/, *.test.ts) → anything
 *
 * Read from the sources as text: `import … from`, `export … from`, side-effect imports,
 * `import('…')` (also in types) and `declare module '…'` (declaration merging), type-only ones
 * included. Packages and `node:` modules are not the repo's and are not checked.
 */

export const PARTS = ['shared', 'server', 'bot', 'extension'] as const;
export type Part = (typeof PARTS)[number];

/** The server files that may import bot/: the composition root that lists the areas. */
export const COMPOSITION_ROOTS = ['server/areas.ts'];
/** The one server module the bot may import: the public area interface. */
export const AREA_INTERFACE = 'server/area.ts';

const RULES: Record<Part, string> = {
  shared: 'shared/ imports nothing else in the repo',
  server: `server/ imports shared/, and bot/ only from ${COMPOSITION_ROOTS.join(', ')}`,
  bot: `bot/ imports shared/ and, of the server, only ${AREA_INTERFACE} (the public area interface)`,
  extension: 'extension/ imports shared/ only',
};

export interface Import {
  specifier: string;
  line: number;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  /** The repo path the import names (without extension), or the path as written when unknown. */
  target: string;
  rule: string;
}

const STATIC = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\1/gm;
const SIDE_EFFECT = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;
const DECLARE_MODULE = /^[ \t]*declare\s+module\s+(['"])([^'"\n]+)\1/gm;

/** The module specifiers a source file names, with their line numbers. */
export function importsOf(source: string): Import[] {
  const found = new Map<number, Import>();
  for (const pattern of [STATIC, SIDE_EFFECT, DYNAMIC, DECLARE_MODULE]) {
    for (const match of source.matchAll(pattern)) {
      // The specifier's own position, so a statement over several lines reports the line naming it.
      const at = match.index + match[0].lastIndexOf(match[2]!);
      found.set(at, { specifier: match[2]!, line: source.slice(0, at).split('\n').length });
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, i]) => i);
}

/** A test file may import anything. */
export function isTest(file: string): boolean {
  return file.startsWith('test/') || /\.test\.[cm]?tsx?$/.test(file);
}

function partOf(path: string): Part | null {
  const first = path.split('/')[0];
  return (PARTS as readonly string[]).includes(first!) ? (first as Part) : null;
}

const withoutExtension = (path: string) => path.replace(/\.(?:[cm]?[jt]sx?)$/, '');

/**
 * The repo path (without extension) a specifier names from `file`, or null for a package.
 * WXT's aliases are followed: `@/` and `~/` are extension/, `@@/` and `~~/` the repo root.
 */
export function resolveSpecifier(file: string, specifier: string): string | null {
  if (specifier.startsWith('.')) return withoutExtension(posix.normalize(posix.join(posix.dirname(file), specifier)));
  const alias = /^(@@|~~|@|~)\//.exec(specifier);
  if (alias) return withoutExtension(posix.normalize(posix.join(alias[1]!.length === 2 ? '.' : 'extension', specifier.slice(2))));
  return null;
}

/** Why `file` may not import `specifier`, or null when it may. */
export function checkImport(file: string, specifier: string): string | null {
  if (isTest(file)) return null;
  const from = partOf(file);
  const target = resolveSpecifier(file, specifier);
  if (!from || target === null) return null;
  const to = partOf(target);
  if (to === from || to === 'shared') return null;
  if (from === 'server' && to === 'bot' && COMPOSITION_ROOTS.includes(file)) return null;
  if (from === 'bot' && target === withoutExtension(AREA_INTERFACE)) return null;
  return RULES[from];
}

/** Every violation in a set of sources (repo-relative path → text). */
export function violationsIn(sources: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, source] of sources) {
    for (const { specifier, line } of importsOf(source)) {
      const rule = checkImport(file, specifier);
      if (rule) out.push({ file, line, specifier, target: resolveSpecifier(file, specifier) ?? specifier, rule });
    }
  }
  return out;
}

export function describeViolation(v: Violation): string {
  return `${v.file}:${v.line} imports '${v.specifier}' (${v.target}): ${v.rule}`;
}

const SKIP = new Set(['node_modules', '.output', '.wxt', 'dist', 'data']);

/** The source files of the parts, by repo-relative path. */
export async function readSources(root: string): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (/\.(?:[cm]?ts|tsx|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) sources.set(path, await readFile(join(root, path), 'utf8'));
    }
  };
  for (const part of PARTS) await walk(part);
  return sources;
}
