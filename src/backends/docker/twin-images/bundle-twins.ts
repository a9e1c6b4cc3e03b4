import { build } from 'esbuild';

export interface TwinBundle {
  /** ESM source of the bundle, every dependency included. */
  code: string;
  /** Input files (relative to the working directory), for diagnostics. */
  inputs: string[];
}

/**
 * Bundles the twin entry point (src/twins/container-main.ts) with all its dependencies into one ESM file
 * that the host's Node runs inside the image. CommonJS dependencies call `require` for Node built-ins,
 * which an ESM bundle lacks: the banner provides one.
 */
export async function bundleTwins(entryPoint: string): Promise<TwinBundle> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: 'container-main.mjs',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __evochatCreateRequire } from 'node:module'; const require = __evochatCreateRequire(import.meta.url);",
    },
  });
  const output = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  if (!output) throw new Error('esbuild produced no bundle');
  return { code: output.text, inputs: Object.keys(result.metafile.inputs) };
}
