// Benchmark: how long packstack explain takes on long hostile lines (issue #11, item 4), in figures. The
// test (test/security/packstack-redos.test.ts) proves linear growth by CPU-time ratios in-process; this
// prints the times: one line of 32 KB, 256 KB and 1 MB of each shape, and 1 MB made of 8 KB lines; then the
// built CLI (`stacklab packstack explain FILE`, wall time, start-up included) on 256 KB and 4 MB of 32 KB
// hostile lines. Run: npm run build && npx tsx bench/packstack-redos.ts
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { explain } from '../src-main/engine/packstack/parse'

const SHAPES: Record<string, string> = {
  spaces: ' ',
  equals: '=',
  brackets: '[',
  at: '@',
  'user@host quote': "a@b'",
  stars: '*',
  'selinux words': 'selinux ',
  'state marks': '[ DONE ]',
}

function ms(work: () => void): number {
  let best = Infinity
  for (let i = 0; i < 3; i++) {
    const start = performance.now()
    work()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

const rows: string[][] = [['shape', '32 KB line', '256 KB line', '1 MB line', '1 MB of 8 KB lines']]
for (const [name, unit] of Object.entries(SHAPES)) {
  const line = (n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)
  const cells = [32 * 1024, 256 * 1024, 1024 * 1024].map((n) =>
    ms(() => explain(`ERROR : ${line(n)}\nAdditional information:\n* ${line(n)}\n`)).toFixed(1),
  )
  const many = Array.from({ length: 128 }, () => `ERROR : ${line(8 * 1024)}`).join('\n')
  cells.push(ms(() => explain(many)).toFixed(1))
  rows.push([name, ...cells])
}
const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const r of rows) console.log(r.map((c, i) => c.padEnd(width[i]!)).join('  '))
console.log(
  '\nmilliseconds, best of 3 (before the fix: 1.5 s for a 32 KB line of spaces in the issue; a 2 KB line of @ took 13 s)',
)

// The CLI's streaming path, as a user runs it on a capture: 256 KB and 16 times that.
const dir = mkdtempSync(join(tmpdir(), 'stacklab-bench-redos-'))
try {
  const shapes = Object.values(SHAPES)
  const hostile = (lines: number) =>
    Array.from({ length: lines }, (_, i) => {
      const unit = shapes[i % shapes.length]!
      return `ERROR : ${unit.repeat(Math.ceil((32 * 1024) / unit.length)).slice(0, 32 * 1024)}`
    }).join('\n') + '\n'
  const cli = (file: string) =>
    ms(() => {
      // explain exits 1 on a failed install's output, which this is.
      try {
        execFileSync('node', ['bin/stacklab.js', 'packstack', 'explain', file, '--json'], { stdio: 'ignore' })
      } catch {
        /* exit 1: the capture shows a failure */
      }
    })
  const times = [8, 128].map((lines) => {
    const file = join(dir, `hostile-${lines}.log`)
    writeFileSync(file, hostile(lines))
    return cli(file)
  })
  console.log(
    `\nstacklab packstack explain FILE (wall, best of 3): 256 KB ${times[0]!.toFixed(0)} ms, ` +
      `4 MB ${times[1]!.toFixed(0)} ms (16x the text: ${(times[1]! / times[0]!).toFixed(1)}x the time)`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
