// Dead code, checked by knip in `npm run lint`: files nothing reaches, exports nothing imports, dependencies
// nothing uses (and used ones package.json does not list). knip reads the entry points from the tools'
// own configs: electron-vite (src-main/host/main.ts and preload.ts, src-main/cli/main.ts,
// src-renderer/index.html → main.tsx), vitest and Playwright (every test file, global setups), package.json
// (bin/stacklab.js, and the `tsx`/`node` scripts: bin/start.js, bench/*.ts, test/lab/run.ts) and the ESLint,
// Prettier and TypeScript configs. What none of those names is listed below, with where it is run from.
// Offline: knip only reads files.

/** @type {import('knip').KnipConfig} */
export default {
  entry: [
    // Run by .ci/run (a shell script knip does not read): adds up the test reports into one line.
    '.ci/summary.mjs',
    // Started by test/integration/harness-cleanup.test.ts as `npx tsx test/harness/hold.ts`.
    'test/harness/hold.ts',
    // Tools run by hand: refresh the captured libvirt XML fixtures (test/fixtures/libvirt/lab-bed/README.md),
    // and boot-test a built guest template (docs/offline-templates.md).
    'test/fixtures/libvirt/capture.ts',
    'test/lab/template/smoke.ts',
  ],
  // test/lab/run.ts runs Playwright with `-c playwright.lab.config.ts` (its global setup and the lab UI test).
  playwright: { config: ['playwright.config.ts', 'playwright.lab.config.ts'] },

  // An export used inside its own file is not dead, only wider than it needs to be: report only exports
  // nothing uses at all.
  ignoreExportsUsedInFile: true,

  ignoreDependencies: [
    // test/unit/packaging.test.ts drives electron-builder's own code (config validation, fuse flipping):
    // these are electron-builder's dependencies, and must stay the very copies it uses, not separately
    // declared ones npm could resolve to other versions.
    'app-builder-lib',
    'builder-util',
    '@electron/fuses',
  ],
  ignoreBinaries: [
    // Host tools the tests and benchmarks run (Debian packages that .ci/run installs), not npm packages.
    'virsh',
    'virt-builder',
    'qemu-img',
    'ip',
    'ssh-keygen',
    'setpriv',
    'truncate',
    'mkfifo',
    'desktop-file-validate',
    // Makes the loopback TLS server's certificate in test/integration/cloud-image.test.ts.
    'openssl',
  ],

  // Findings known and accepted, each with its verdict (none today: the dead exports found when the check
  // came in were removed): `file:symbol` (an unused export or exported type) → why it
  // is listed. knip-known.js drops exactly these from the report; a finding not listed fails lint, and so
  // does an entry that no longer matches a finding (remove the entry with the code).
  preprocessor: './knip-known.js',
  preprocessorOptions: {
    known: {},
  },
}
