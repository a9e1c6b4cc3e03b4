import { build } from 'esbuild';

export interface EntryBundle {
  /** ESM source of the bundle. */
  code: string;
  /** Input files (relative to the working directory), for diagnostics. */
  inputs: string[];
}

export interface BundleOptions {
  /**
   * `inline` (default): every dependency inside the bundle, for an image with nothing beside it. `external`: the
   * project's own sources inlined, npm packages left to Node's resolver, for a bundle that sits inside the project.
   */
  dependencies?: 'inline' | 'external';
}

/**
 * Bundles an entry point (a twin's container main, a sim service host) and its sources into one ESM file.
 * CommonJS dependencies call `require` for Node built-ins, which an ESM bundle lacks: the banner provides one.
 */
export async function bundleEntry(entryPoint: string, options: BundleOptions = {}): Promise<EntryBundle> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: 'entry.mjs',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    ...(options.dependencies === 'external' ? { packages: 'external' as const } : {}),
    banner: {
      js: "import { createRequire as __evochatCreateRequire } from 'node:module'; const require = __evochatCreateRequire(import.meta.url);",
    },
  });
  const output = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (!output) throw new Error('esbuild produced no bundle');
  return { code: output.text, inputs: Object.keys(result.metafile.inputs) };
}
