// Browser tests: the real renderer in Debian's Chromium against the browser host and the real engine
// (libvirt's test driver through a libvirtd the run starts). The Electron project runs where an Electron
// binary exists and skips with a message where it does not.
import { CHROMIUM_LAUNCH } from './test/chromium'
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'test',
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env['CI']
    ? [['list'], ['json', { outputFile: 'test-results/playwright.json' }]]
    : [['list']],
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    launchOptions: CHROMIUM_LAUNCH,
    viewport: { width: 1280, height: 860 },
  },
  projects: [
    { name: 'browser', testMatch: ['e2e/**/*.spec.ts', 'security/**/*.spec.ts'] },
    { name: 'electron', testMatch: 'electron/**/*.spec.ts' },
  ],
})
