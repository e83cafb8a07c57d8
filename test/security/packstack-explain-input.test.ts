// `stacklab packstack explain` fed what is not packstack output, through the built CLI: binary files (with
// and without NUL bytes), input over the limit (a sparse file, and a stream on standard input), empty and
// unrelated text, and a terminal capture whose colour codes made the call too large. Each gets exit 2 and a
// plain message; `-` reads standard input exactly as a file.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runStacklab, tempDir, xdgEnv } from '../helpers'

let t: ReturnType<typeof tempDir>
beforeAll(() => (t = tempDir('stacklab-sec-explain-')))
afterAll(() => t.cleanup())

const stacklab = (...args: string[]) => runStacklab(t.dir, ...args)
const fixture = (name: string) => join(__dirname, '../fixtures/packstack', name)

/** `stacklab ...` with `input` written to its standard input (chunk by chunk, stopping if it exits). */
function withStdin(
  args: string[],
  input: Buffer | (() => Generator<Buffer>),
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', ['bin/stacklab.js', ...args], {
      env: { ...process.env, ...xdgEnv(t.dir), NO_COLOR: '1' },
    })
    let stdout = ''
    let stderr = ''
    let exited = false
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdin.on('error', () => undefined) // it may stop reading early: that is the point
    child.on('close', (code) => {
      exited = true
      resolve({ code: code ?? 1, stdout, stderr })
    })
    if (Buffer.isBuffer(input)) child.stdin.end(input)
    else {
      const chunks = input()
      const pump = () => {
        for (let next = chunks.next(); !next.done; next = chunks.next()) {
          if (exited || child.stdin.destroyed) return
          if (!child.stdin.write(next.value)) return void child.stdin.once('drain', pump)
        }
        child.stdin.end()
      }
      pump()
    }
  })
}

describe('packstack explain refuses input that is not packstack output', () => {
  it('a binary file of 44-128 KiB (the case that said "failed" with an internal size message): exit 2', async () => {
    for (const size of [44 * 1024, 100 * 1024, 128 * 1024 - 1]) {
      const file = join(t.dir, `binary-${size}.bin`)
      writeFileSync(file, randomBytes(size))
      const r = await stacklab('packstack', 'explain', file)
      expect(r.code, String(size)).toBe(2)
      expect(r.stderr).toContain(`${file}: binary input, not packstack output`)
      expect(r.stderr).not.toMatch(/bytes; the limit is|Outcome/)
      expect(r.stdout).toBe('')
    }
  })

  it('binary without a single NUL byte (not UTF-8 through and through): exit 2', async () => {
    const bytes = randomBytes(64 * 1024).map((b) => 0x80 | b)
    const file = join(t.dir, 'high.bin')
    writeFileSync(file, bytes)
    const r = await stacklab('packstack', 'explain', file, '--json')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('binary input, not packstack output')
    expect(r.stdout).toBe('')
  })

  it('a file over 100 MiB is refused from its size, with the limit in plain words', async () => {
    const file = join(t.dir, 'huge.log')
    writeFileSync(file, '')
    execFileSync('truncate', ['-s', String(101 * 1024 * 1024), file])
    const r = await stacklab('packstack', 'explain', file)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${file} is more than 100 MiB; packstack explain reads at most 100 MiB`)
    rmSync(file)
  })

  it('empty input and text that is not packstack output: "no packstack output found", exit 2', async () => {
    const empty = join(t.dir, 'empty.txt')
    writeFileSync(empty, '')
    for (const file of [empty, 'README.md']) {
      const r = await stacklab('packstack', 'explain', file)
      expect(r.code, file).toBe(2)
      expect(r.stderr).toContain(`no packstack output found in ${file}`)
      expect(r.stdout).toBe('')
    }
  })

  it('a terminal capture full of control characters is still explained, not "too large"', async () => {
    // Under 64 KiB, but each escape character grows sixfold as JSON: more than one call may carry.
    const capture = join(t.dir, 'escapes.txt')
    const output = readFileSync(fixture('fail-ntp-controller.txt'), 'utf8')
    writeFileSync(capture, '\x1b'.repeat(60 * 1024 - output.length) + output)
    const r = await stacklab('packstack', 'explain', capture)
    expect(r.stderr).not.toMatch(/the limit is/)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('Outcome: FAILED')
  })
})

describe('packstack explain - reads standard input', () => {
  it('gives the same report as the file', async () => {
    const file = fixture('double-fail-compute-tty.txt')
    const fromFile = await stacklab('packstack', 'explain', file, '--json')
    const fromStdin = await withStdin(['packstack', 'explain', '-', '--json'], readFileSync(file))
    expect(fromStdin.code).toBe(1)
    expect(fromStdin.stdout).toBe(fromFile.stdout)
  })

  it('refuses binary, empty and endless input on standard input', async () => {
    const binary = await withStdin(['packstack', 'explain', '-'], randomBytes(70 * 1024))
    expect(binary.code).toBe(2)
    expect(binary.stderr).toContain('standard input: binary input, not packstack output')
    const empty = await withStdin(['packstack', 'explain', '-'], Buffer.alloc(0))
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('no packstack output found in standard input')
    // More than the limit, streamed: refused when the limit is passed, not after reading it all.
    const line = Buffer.from(`${'Notice: filler line of a long capture '.repeat(25)}\n`)
    const endless = await withStdin(['packstack', 'explain', '-'], function* () {
      for (;;) yield line
    })
    expect(endless.code).toBe(2)
    expect(endless.stderr).toContain(
      'standard input is more than 100 MiB; packstack explain reads at most 100 MiB',
    )
  })
})
