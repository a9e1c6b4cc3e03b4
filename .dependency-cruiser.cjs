// `npm run deps`: the import rules between folders (README "Layout").
//
// LAYERS is the whole rule set for src/: bottom to top, one entry per floor, peers on a floor in one array.
// A folder may import its own files and any folder on a LOWER floor — never a higher floor, never a peer.
// Every src/ folder must be on a floor, so a new folder cannot slip past the rules unplaced.
// Type-only imports count: a type that lives too high is exactly how folders end up tangled.
const LAYERS = [
  ['errors'],
  ['model'],
  ['common'],
  ['matrix'],
  ['evidence'],
  ['twins', 'stack', 'clients'],
  ['scenario'],
  ['verdict', 'backends'],
  ['report'],
  ['runner'],
  ['doctor', 'upgrade', 'repro', 'drift'],
  ['cli'],
];

/** suites/ are product (the scenario suites the runner loads by path): they see the scenario DSL, the stack, the clients and the model. */
const SUITES_MAY_IMPORT = ['errors', 'model', 'common', 'stack', 'clients', 'scenario'];

/** Test code: tests and their helpers. Product code never imports it; it may import anything (see doNotFollow below). */
const TEST_CODE = '(^|/)test-support/|\\.test\\.ts$';

const folderPath = (names) => `^src/(${names.join('|')})/`;

const upwardRules = LAYERS.map((floor, index) => {
  const below = LAYERS.slice(0, index).flat();
  const notAllowed = LAYERS.flat().filter((name) => !below.includes(name));
  return {
    // one rule per floor, all from the same template; the name must be unique (reporters look comments up by name)
    name: `layer-upward-from-${floor.join('+')}`,
    severity: 'error',
    comment: `src/${floor.length > 1 ? `{${floor.join(',')}}` : floor[0]} may import only ${below.length ? below.join(', ') : 'nothing of ours'} (and its own folder): this import goes up a floor or to a peer (LAYERS in .dependency-cruiser.cjs)`,
    from: { path: folderPath(floor) },
    // `$1` is the importing folder: its own files are fine.
    to: { path: folderPath(notAllowed), pathNot: '^src/$1/' },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upwardRules,
    {
      name: 'layer-unplaced-folder',
      severity: 'error',
      comment: 'every folder under src/ must be on a floor of LAYERS in .dependency-cruiser.cjs (add it there, and to the README Layout)',
      from: { path: '^src/[^/]+/', pathNot: folderPath(LAYERS.flat()) },
      to: {},
    },
    {
      name: 'suites-import-outside-dsl',
      severity: 'error',
      comment: `suites/ may import only suites/ and src/{${SUITES_MAY_IMPORT.join(',')}}`,
      from: { path: '^suites/' },
      to: { path: '^(src|scripts)/', pathNot: folderPath(SUITES_MAY_IMPORT) },
    },
    {
      name: 'product-imports-suites-or-scripts',
      severity: 'error',
      comment: 'src/ never imports suites/ (the runner loads them by path) nor scripts/ (scripts sit on top of everything)',
      from: { path: '^src/', pathNot: TEST_CODE },
      to: { path: '^(suites|scripts)/' },
    },
    {
      name: 'product-imports-test-code',
      severity: 'error',
      comment: 'product code never imports a test or a test-support/ file (they are left out of the twin images and the package)',
      from: { path: '^(src|suites|bin)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'product-imports-dev-dependency',
      severity: 'error',
      comment: 'product code imports only "dependencies": a devDependency is not there after `npm ci --omit=dev`',
      from: { path: '^(src|suites|bin)/', pathNot: TEST_CODE },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'files import each other in a circle: move the shared part down',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'folders import each other in a circle (possibly through different files): move the shared part down',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to nothing',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Test code is a leaf nobody imports: its own imports are not followed, so the layer and cycle rules are about
    // product code and tests may import anything; a product file importing test code is still seen (and an error).
    doNotFollow: { path: ['node_modules', TEST_CODE] },
    tsConfig: { fileName: 'tsconfig.json' },
    // count `import type` too (see the top of this file)
    tsPreCompilationDeps: true,
    // resolve packages the way Node does (package.json "exports"), so subpath imports such as hono/body-limit resolve
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
