/**
 * `npm run build:images [-- --force]`: builds the twin images (Chatwoot 3.7.0/3.8.0/3.9.0, Evolution
 * 1.7.4/1.7.5, the S3 stand-in in MinIO's role, the recording proxy) from the host's Node and the bundled
 * twin code, with no registry. Skips the build when the images carry the current content hash.
 * Prints key=value timing lines (milliseconds) after the human-readable ones.
 */
import { applyTestcontainersDefaults } from '../src/backends/docker/testcontainers-env.ts';
import { ensureTwinImages } from '../src/backends/docker/twin-images/ensure-twin-images.ts';
import { printError } from '../src/cli/main.ts';

applyTestcontainersDefaults();
const force = process.argv.includes('--force');
try {
  const report = await ensureTwinImages({ force, log: (line) => process.stderr.write(`build-twin-images: ${line}\n`) });
  for (const image of report.images) process.stdout.write(`${image.tag} ${image.id}\n`);
  process.stdout.write(`twin_images_hash=${report.hash}\n`);
  process.stdout.write(`twin_images_built=${report.built}\n`);
  for (const [name, ms] of Object.entries(report.timings)) process.stdout.write(`twin_images_${name}_ms=${ms}\n`);
} catch (error) {
  process.exitCode = printError(error);
}
