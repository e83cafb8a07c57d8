// The one place Stacklab starts a process: an argument array (never a shell), a timeout, cancellation by
// AbortSignal, typed errors, and every command logged with secrets masked.
import { spawn, type ChildProcess } from 'node:child_process'
import { EngineFailure } from '../../src-shared/failures'
import { LineReader } from './lines'
import type { Logger } from './log'
import { redact, secretInArgs } from './secrets'

export type ExecErrorKind = 'not-found' | 'permission' | 'timeout' | 'exit' | 'cancelled'

export class ExecError extends EngineFailure {
  readonly kind: ExecErrorKind
  /** The command as started, secrets masked. */
  readonly argv: string[]
  readonly exitCode: number | null
  readonly signal: string | null
  readonly stderr: string
  readonly stdout: string
  constructor(
    kind: ExecErrorKind,
    init: {
      argv: string[]
      exitCode?: number | null
      signal?: string | null
      stderr?: string
      stdout?: string
    },
    message: string,
  ) {
    // The parameters name the program only (its arguments may be long) and the last lines it said.
    const said = lastLines(init.stderr ?? '').slice(-500)
    super(`exec.${kind}`, message, {
      params: { program: init.argv[0] ?? '', exitCode: init.exitCode ?? null, stderr: said || '—' },
      details: init.stderr ?? '',
    })
    this.name = 'ExecError'
    this.kind = kind
    this.argv = init.argv
    this.exitCode = init.exitCode ?? null
    this.signal = init.signal ?? null
    this.stderr = init.stderr ?? ''
    this.stdout = init.stdout ?? ''
  }
}

export interface RunOptions {
  /** Default 60 s. 0 means no limit (for work that reports progress and is cancelled by signal). */
  timeoutMs?: number
  signal?: AbortSignal
  cwd?: string
  /** Added to (or, with `null`, removed from) the engine's environment. */
  env?: Record<string, string | null>
  /** Sent on stdin, then stdin is closed. The way to hand a process a secret. */
  stdin?: string | Uint8Array
  /** Values to mask in the log and errors, and to refuse in argv, besides the registered ones. */
  secrets?: readonly string[]
  /** Exit codes that count as success (default [0]). */
  okCodes?: readonly number[]
  onStdout?: (chunk: string) => void
  onStderr?: (chunk: string) => void
  /**
   * Each line of stdout as it is finished, without its `\n` and capped at MAX_LINE characters (lines.ts): the
   * one way a caller reads a process's output line by line. A last line without a newline comes when the
   * process exits by itself; the half line of a process stopped by timeout or cancel is dropped.
   */
  onStdoutLine?: (line: string) => void
  /** The same for stderr. */
  onStderrLine?: (line: string) => void
  /** Output kept in memory, per stream (default 16 MiB); the rest is dropped from the result only. */
  maxBuffer?: number
}

export interface RunResult {
  argv: string[]
  exitCode: number
  stdout: string
  stderr: string
  durationMs: number
}

export type Run = (file: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>

const KILL_GRACE_MS = 2000

/** Lines of one output stream for a caller that asked for them (or nothing). */
function lineFeed(each: ((line: string) => void) | undefined): { push(chunk: string): void; end(): void } {
  if (!each) return { push: () => undefined, end: () => undefined }
  const reader = new LineReader()
  return {
    push: (chunk: string) => {
      for (const line of reader.push(chunk)) each(line)
    },
    end: () => {
      const last = reader.end()
      if (last !== null) each(last)
    },
  }
}

/** The last lines a program wrote, on one line: what a failure's message (and its translation) quotes. */
function lastLines(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' / ')
}

function describe(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')
}

/** Make a `run` bound to a logger and a base environment. */
export function createRun(logger: Logger, baseEnv: NodeJS.ProcessEnv = process.env): Run {
  return function run(file, args, options = {}) {
    const extra = options.secrets ?? []
    const bad = secretInArgs([file, ...args], extra)
    if (bad >= 0) {
      // A programming error, caught before anything starts: secrets travel by file or stdin.
      return Promise.reject(new Error(`refusing to start ${file}: argument ${bad} contains a secret`))
    }
    const argv = [file, ...args].map((a) => redact(a, extra))
    const shown = describe(argv)
    const timeoutMs = options.timeoutMs ?? 60_000
    const okCodes = options.okCodes ?? [0]
    const maxBuffer = options.maxBuffer ?? 16 * 1024 * 1024

    if (options.signal?.aborted) {
      return Promise.reject(new ExecError('cancelled', { argv }, `cancelled before start: ${shown}`))
    }

    const env: NodeJS.ProcessEnv = { ...baseEnv }
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === null) delete env[k]
      else env[k] = v
    }

    const started = performance.now()
    logger.log('info', 'exec', { argv, cwd: options.cwd })

    return new Promise<RunResult>((resolve, reject) => {
      let child
      try {
        child = spawn(file, args as string[], {
          cwd: options.cwd,
          env,
          shell: false,
          // Its own process group, so a timeout or cancel also stops what it started (qemu under virt-builder).
          detached: true,
          stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        })
      } catch (error) {
        reject(new ExecError('exit', { argv }, `could not start ${shown}: ${(error as Error).message}`))
        return
      }
      // Both are pipes (stdio above): null only when the spawn failed making them (EMFILE: a flood of
      // connections to the browser host can use up the descriptors). Its 'error' event follows and must be
      // heard; nothing (no timer, no abort listener) is left waiting for it.
      const outStream = child.stdout
      const errStream = child.stderr
      if (!outStream || !errStream) {
        child.once('error', () => {})
        reject(
          new ExecError('exit', { argv }, `could not start ${shown}: no pipes to it (too many open files?)`),
        )
        return
      }

      let stdout = ''
      let stderr = ''
      let reason: 'timeout' | 'cancelled' | null = null
      let settled = false
      let killTimer: NodeJS.Timeout | undefined

      const killGroup = (sig: NodeJS.Signals) => {
        if (child.pid === undefined) return
        try {
          process.kill(-child.pid, sig)
        } catch {
          try {
            child.kill(sig)
          } catch {
            /* already gone */
          }
        }
      }
      const stop = (why: 'timeout' | 'cancelled') => {
        if (reason || settled) return
        reason = why
        killGroup('SIGTERM')
        killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS)
        killTimer.unref()
      }

      const timer = timeoutMs > 0 ? setTimeout(() => stop('timeout'), timeoutMs) : undefined
      const onAbort = () => stop('cancelled')
      options.signal?.addEventListener('abort', onAbort, { once: true })

      const outLines = lineFeed(options.onStdoutLine)
      const errLines = lineFeed(options.onStderrLine)
      outStream.setEncoding('utf8')
      errStream.setEncoding('utf8')
      outStream.on('data', (chunk: string) => {
        if (stdout.length < maxBuffer) stdout += chunk
        options.onStdout?.(chunk)
        outLines.push(chunk)
      })
      errStream.on('data', (chunk: string) => {
        if (stderr.length < maxBuffer) stderr += chunk
        options.onStderr?.(chunk)
        errLines.push(chunk)
      })
      if (options.stdin !== undefined && child.stdin) {
        child.stdin.on('error', () => {
          /* the process may exit without reading stdin */
        })
        child.stdin.end(options.stdin)
      }

      const finish = () => {
        settled = true
        if (timer) clearTimeout(timer)
        if (killTimer) clearTimeout(killTimer)
        options.signal?.removeEventListener('abort', onAbort)
      }

      child.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return
        finish()
        const durationMs = Math.round(performance.now() - started)
        const kind: ExecErrorKind =
          error.code === 'ENOENT' ? 'not-found' : error.code === 'EACCES' ? 'permission' : 'exit'
        const text =
          kind === 'not-found'
            ? `${file}: command not found`
            : kind === 'permission'
              ? `${file}: permission denied`
              : `${file}: ${error.message}`
        logger.log('warn', 'exec failed', { argv, kind, durationMs })
        reject(new ExecError(kind, { argv }, text))
      })

      child.on('close', (code, signal) => {
        if (settled) return
        finish()
        // Both streams have ended: the last lines are whole, unless the process was cut off.
        if (!reason) {
          outLines.end()
          errLines.end()
        }
        const durationMs = Math.round(performance.now() - started)
        const cleanErr = redact(stderr, extra)
        const cleanOut = redact(stdout, extra)
        if (reason === 'timeout') {
          logger.log('warn', 'exec timeout', { argv, timeoutMs, durationMs })
          reject(
            new ExecError(
              'timeout',
              { argv, exitCode: code, signal, stderr: cleanErr, stdout: cleanOut },
              `${shown} timed out after ${timeoutMs} ms`,
            ),
          )
        } else if (reason === 'cancelled') {
          logger.log('info', 'exec cancelled', { argv, durationMs })
          reject(
            new ExecError(
              'cancelled',
              { argv, exitCode: code, signal, stderr: cleanErr, stdout: cleanOut },
              `${shown} was cancelled`,
            ),
          )
        } else if (code !== null && okCodes.includes(code)) {
          logger.log('debug', 'exec ok', { argv, exitCode: code, durationMs })
          resolve({ argv, exitCode: code, stdout, stderr, durationMs })
        } else {
          const last = lastLines(cleanErr)
          logger.log('warn', 'exec failed', {
            argv,
            exitCode: code,
            signal,
            durationMs,
            stderr: cleanErr.slice(-2000),
          })
          reject(
            new ExecError(
              'exit',
              { argv, exitCode: code, signal, stderr: cleanErr, stdout: cleanOut },
              `${shown} failed (${code === null ? `signal ${signal}` : `exit ${code}`})${last ? `: ${last}` : ''}`,
            ),
          )
        }
      })
    })
  }
}

export interface StartOptions {
  cwd?: string
  env?: Record<string, string | null>
  /** Values to mask in the log, and to refuse in argv, besides the registered ones. */
  secrets?: readonly string[]
  /** Extra pipes after stdin, stdout and stderr (fd 3, 4, ...), for side channels. */
  extraPipes?: number
}

export interface Started {
  child: ChildProcess
  /** The command as started, secrets masked. */
  argv: string[]
  /** Signal the whole process group (the process and what it started). */
  signal(sig: NodeJS.Signals): void
}

/**
 * Start a long-lived interactive process (a console relay) with piped stdio, under the same rules as `run`:
 * an argument array, no shell, no secrets in argv, logged, in its own process group. The caller streams its
 * output and ends it; there is no timeout.
 */
export function startProcess(
  logger: Logger,
  file: string,
  args: readonly string[],
  options: StartOptions = {},
  baseEnv: NodeJS.ProcessEnv = process.env,
): Started {
  const extra = options.secrets ?? []
  const bad = secretInArgs([file, ...args], extra)
  if (bad >= 0) throw new Error(`refusing to start ${file}: argument ${bad} contains a secret`)
  const argv = [file, ...args].map((a) => redact(a, extra))
  const env: NodeJS.ProcessEnv = { ...baseEnv }
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === null) delete env[k]
    else env[k] = v
  }
  logger.log('info', 'exec interactive', { argv, cwd: options.cwd })
  const child = spawn(file, args as string[], {
    cwd: options.cwd,
    env,
    shell: false,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe', ...Array<'pipe'>(options.extraPipes ?? 0).fill('pipe')],
  })
  return {
    child,
    argv,
    signal(sig) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
      try {
        process.kill(-child.pid, sig)
      } catch {
        try {
          child.kill(sig)
        } catch {
          /* already gone */
        }
      }
    },
  }
}
