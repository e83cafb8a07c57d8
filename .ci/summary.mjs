// Adds up the JSON reports of every test run in CI (vitest: unit, integration, lab; Playwright) into one
// closing line: "Tests: N passed, N failed, N skipped".
import { readFileSync, readdirSync } from 'node:fs'

let passed = 0
let failed = 0
let skipped = 0
for (const name of readdirSync('test-results')) {
  if (!name.endsWith('.json')) continue
  const report = JSON.parse(readFileSync(`test-results/${name}`, 'utf8'))
  if (name.startsWith('vitest-')) {
    passed += report.numPassedTests
    failed += report.numFailedTests
    skipped += report.numPendingTests + report.numTodoTests
  } else if (name.startsWith('playwright')) {
    passed += report.stats.expected
    failed += report.stats.unexpected + report.stats.flaky
    skipped += report.stats.skipped
  }
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exitCode = failed > 0 || passed === 0 ? 1 : 0
