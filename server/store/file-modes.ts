import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The hub's data (customers, keys, audit) is for the account running it only. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mkdir -p whose new folders are private. */
export async function mkdirPrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates the data folder private, or tightens one an earlier version left readable by others:
 * the folder, and the files and folders directly in it (the folder alone already keeps others
 * out of everything below). Returns a one-line note when it changed anything, else null.
 */
export async function preparePrivateDataDir(dir: string): Promise<string | null> {
  await mkdirPrivate(dir);
  const loose: string[] = [];
  const tighten = async (path: string, isDir: boolean) => {
    if (((await stat(path)).mode & 0o077) === 0) return;
    await chmod(path, isDir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
    loose.push(path);
  };
  await tighten(dir, true);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() || entry.isFile()) await tighten(join(dir, entry.name), entry.isDirectory());
  }
  if (loose.length === 0) return null;
  return `Tightened the data folder ${dir}: ${loose.length} item(s) in it were readable by other users; folders are now 700 and files 600.`;
}
