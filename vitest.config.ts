// Test layers: unit (pure logic, fixtures) and integration (real virsh against a libvirtd the run starts,
// real processes, the real browser host over HTTP and WebSocket). Browser tests run in Playwright.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // In CI, also a JSON report that .ci/summary.mjs adds up into one closing line.
    reporters: process.env['CI'] ? ['default', 'json'] : ['default'],
    outputFile: { json: `test-results/vitest-${process.env['STACKLAB_REPORT'] ?? 'main'}.json` },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/setup.ts'],
          // One libvirtd for the run; its test driver state is shared, so files run one at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Attacks (issue #11): pure checks of the rules, and attacks through the real browser host (`stacklab
        // serve`, WebSocket with the token), the real engine API and the real CLI. Most need no libvirt (an
        // attack must be refused before it is reached); those on disks and guest secrets use the run's own
        // libvirtd (QEMU driver), started by the integration setup.
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Real guests under QEMU in the lab test bed: run through `npm run test:lab` (test/lab/run.ts), which
        // starts libvirtd in a network namespace and runs these inside it.
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 20 * 60_000,
          hookTimeout: 20 * 60_000,
        },
      },
      {
        // Real OpenStack from Debian's packages on real guests (issue #14): `npm run test:openstack`, the same
        // test bed with the debian-12-openstack template. Long: its own command, not part of test:lab.
        test: {
          name: 'openstack',
          include: ['test/openstack/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 90 * 60_000,
          hookTimeout: 30 * 60_000,
        },
      },
    ],
  },
})
