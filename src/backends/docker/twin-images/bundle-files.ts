import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';

export interface BundleFile {
  /** Relative to the entry's folder, `/`-separated (`chunks/x.mjs`). */
  path: string;
  content: Buffer;
  /** The entry file (the image names it BUNDLE_PATH); the rest are the chunks it imports. */
  entry: boolean;
}

/**
 * The files of a cached split bundle that belong in an image: the entry and its chunks, in a stable order (they feed
 * the images' content hash), without source maps (nothing in a container reads them).
 */
export async function bundleFiles(entryFile: string): Promise<BundleFile[]> {
  const dir = dirname(entryFile);
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((item) => item.isFile() && item.name.endsWith('.mjs'))
    .map((item) => relative(dir, join(item.parentPath, item.name)).split('\\').join('/'))
    .sort();
  return Promise.all(names.map(async (path) => ({ path, content: await readFile(join(dir, path)), entry: path === basename(entryFile) })));
}
