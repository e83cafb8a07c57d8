// The process runner: argv only, typed errors, timeout and cancel that stop the whole process group,
// secrets refused in argv and masked in the log.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRun, ExecError } from '../../src-main/engine/exec'
import { MAX_LINE, cutMarker } from '../../src-main/engine/lines'
import { createLogger } from '../../src-main/engine/log'
import { registerSecret, forgetSecret } from '../../src-main/engine/secrets'
import { rejection, tempDir, waitFor } from '../helpers'

let t: ReturnType<typeof tempDir>
let logFile: string
let run: ReturnType<typeof createRun>

beforeEach(() => {
  t = tempDir()
  logFile = join(t.dir, 'app.log')
  run = createRun(createLogger(logFile))
})
afterEach(() => t.cleanup())

/** Running, not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

describe('run', () => {
  it('passes arguments verbatim, with no shell in between', async () => {
    const tricky = ['a b', '$(touch /tmp/pwned)', '; rm -rf /', "it's", '*']
    const r = await run('printf', ['%s\\n', ...tricky])
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(tricky)
    expect(r.exitCode).toBe(0)
  })

  it('reports a missing program as not-found', async () => {
    const e = await rejection(run('stacklab-no-such-tool', ['x']), ExecError)
    expect(e.kind).toBe('not-found')
    expect(e.argv).toEqual(['stacklab-no-such-tool', 'x'])
  })

  it('reports a program that may not be run as permission', async () => {
    const e = await rejection(run(logFile.replace('app.log', ''), []), ExecError)
    expect(e.kind).toBe('permission')
  })

  it('reports a non-zero exit with its code and stderr', async () => {
    const e = await rejection(run('sh', ['-c', 'echo broken >&2; exit 3']), ExecError)
    expect(e.kind).toBe('exit')
    expect(e.exitCode).toBe(3)
    expect(e.stderr).toBe('broken\n')
    expect(e.message).toContain('exit 3')
  })

  it('accepts extra exit codes as success when told', async () => {
    const r = await run('sh', ['-c', 'exit 2'], { okCodes: [0, 2] })
    expect(r.exitCode).toBe(2)
  })

  it('times out and kills the whole process group', async () => {
    let grandchild = 0
    const e = await rejection(
      run('sh', ['-c', 'sleep 30 & echo $!; wait'], {
        timeoutMs: 300,
        onStdout: (c) => (grandchild = Number(c.trim())),
      }),
      ExecError,
    )
    expect(e.kind).toBe('timeout')
    expect(grandchild).toBeGreaterThan(0)
    // The grandchild's `sleep 30` ends long before its 30 s only if the group was killed.
    await waitFor(() => !alive(grandchild), { timeoutMs: 4000, what: 'the grandchild to be killed' })
  })

  it('is cancelled by an AbortSignal, before or during the run', async () => {
    const before = new AbortController()
    before.abort()
    expect((await rejection(run('true', [], { signal: before.signal }), ExecError)).kind).toBe('cancelled')

    // Cancelled once the process is running (it says so), not at a guessed moment.
    const during = new AbortController()
    const e = await rejection(
      run('sh', ['-c', 'echo started; exec sleep 30'], {
        signal: during.signal,
        onStdout: () => during.abort(),
      }),
      ExecError,
    )
    expect(e.kind).toBe('cancelled')
  })

  it('hands secrets over stdin and never accepts them in argv', async () => {
    const secret = 'hunter2-very-secret'
    const r = await run('cat', [], { stdin: secret, secrets: [secret] })
    expect(r.stdout).toBe(secret)
    await expect(run('echo', [`--password=${secret}`], { secrets: [secret] })).rejects.toThrow(
      /contains a secret/,
    )
    registerSecret('registered-secret-value')
    try {
      await expect(run('echo', ['registered-secret-value'])).rejects.toThrow(/contains a secret/)
    } finally {
      forgetSecret('registered-secret-value')
    }
  })

  it('logs every command, with secrets masked in what the tool printed', async () => {
    const secret = 'sekrit-token-123456'
    await run('sh', ['-c', 'cat >&2; exit 1'], { stdin: secret, secrets: [secret] }).catch(() => undefined)
    await run('echo', ['hello'])
    const log = readFileSync(logFile, 'utf8')
    expect(log).not.toContain(secret)
    expect(log).toContain('***')
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; argv?: string[] })
    expect(lines.filter((l) => l.msg === 'exec').map((l) => l.argv?.[0])).toEqual(['sh', 'echo'])
  })

  it('hands output over line by line: whole lines across writes, stderr apart, the last one on exit', async () => {
    const out: string[] = []
    const err: string[] = []
    // Two writes with a pause between, so a line is split over two reads; the last line has no newline.
    await run('sh', ['-c', "printf 'one\\ntw'; sleep 0.2; printf 'o\\n\\nthree'; printf 'e1\\ne2' >&2"], {
      onStdoutLine: (l) => out.push(l),
      onStderrLine: (l) => err.push(l),
    })
    expect(out).toEqual(['one', 'two', '', 'three'])
    expect(err).toEqual(['e1', 'e2'])
  })

  it('caps a runaway line, so a tool printing a megabyte without a newline costs no more than its bytes', async () => {
    const lines: string[] = []
    const r = await run('sh', ['-c', 'head -c 1048576 /dev/zero | tr "\\0" a; echo; echo after'], {
      onStdoutLine: (l) => lines.push(l),
    })
    expect(r.stdout.length).toBe(1048576 + 'after\n'.length + 1)
    expect(lines).toEqual(['a'.repeat(MAX_LINE) + cutMarker(1048576 - MAX_LINE), 'after'])
  })

  it('drops the half line of a process cut off by its timeout', async () => {
    const lines: string[] = []
    const e = await rejection(
      run('sh', ['-c', "printf 'whole\\nhalf'; exec sleep 30"], {
        timeoutMs: 300,
        onStdoutLine: (l) => lines.push(l),
      }),
      ExecError,
    )
    expect(e.kind).toBe('timeout')
    expect(e.stdout).toBe('whole\nhalf')
    expect(lines).toEqual(['whole'])
  })
})
