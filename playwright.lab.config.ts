// The one browser run against the lab test bed (real QEMU guests): started by `npm run test:lab` inside
// the bed's network namespace after the lab's own tests. The page, the engine and the lab are all real.
import { defineConfig } from '@playwright/test'
import base from './playwright.config'

export default defineConfig({
  ...base,
  timeout: 25 * 60_000,
  expect: { timeout: 30_000 },
  reporter: process.env['CI']
    ? [['list'], ['json', { outputFile: 'test-results/playwright-lab.json' }]]
    : [['list']],
  globalSetup: './test/lab/browser-setup.ts',
  projects: [{ name: 'lab-browser', testMatch: 'lab/**/*.spec.ts' }],
})
