// Small helpers shared by tests: temp app directories, an engine wired to them, and waiting (for a
// condition, or for a job to finish) instead of sleeping.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../src-main/engine/engine'
import { createLogger } from '../src-main/engine/log'
import type { AppPaths } from '../src-main/engine/paths'
import type { HostKind } from '../src-shared/api'
import type { Job } from '../src-shared/jobs'

export function tempDir(prefix = 'stacklab-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function tempPaths(dir: string): AppPaths {
  return {
    config: join(dir, 'config'),
    data: join(dir, 'data'),
    state: join(dir, 'state'),
    cache: join(dir, 'cache'),
    log: join(dir, 'state', 'stacklab.log'),
  }
}

/** Environment that points a child `stacklab` at temp XDG directories. */
export function xdgEnv(dir: string): {
  XDG_CONFIG_HOME: string
  XDG_DATA_HOME: string
  XDG_STATE_HOME: string
  XDG_CACHE_HOME: string
} {
  return {
    XDG_CONFIG_HOME: join(dir, 'config-home'),
    XDG_DATA_HOME: join(dir, 'data-home'),
    XDG_STATE_HOME: join(dir, 'state-home'),
    XDG_CACHE_HOME: join(dir, 'cache-home'),
  }
}

export function testEngine(dir: string, host: HostKind = 'cli'): Engine {
  const paths = tempPaths(dir)
  return new Engine({ host, paths, logger: createLogger(paths.log) })
}

/** Run the built `stacklab` command with its XDG directories under `dir`; never rejects. */
export function runStacklab(
  dir: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/stacklab.js', ...args],
      { env: { ...process.env, ...xdgEnv(dir), NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/**
 * Wait until `condition` returns something truthy (checked at once, then every `intervalMs`) and return it;
 * reject naming `what` after `timeoutMs`. For what sends no event: tests never sleep for a fixed time.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  {
    timeoutMs,
    intervalMs = 50,
    what = 'a condition',
  }: { timeoutMs: number; intervalMs?: number; what?: string },
): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await condition()
    if (value) return value
    if (Date.now() >= end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, end - Date.now()))))
  }
}

/** The job once it is no longer running, from the engine's `job.updated` events (each one to `onUpdate`). */
export function jobFinished(engine: Engine, id: string, onUpdate?: (job: Job) => void): Promise<Job> {
  return new Promise((resolve, reject) => {
    const off = engine.on('job.updated', (job) => {
      if (job.id !== id) return
      onUpdate?.(job)
      if (job.state !== 'running') finish(job)
    })
    const finish = (job: Job) => {
      off()
      resolve(job)
    }
    // It may have finished before anyone listened.
    engine.jobs.list().then(
      (jobs) => {
        const job = jobs.find((j) => j.id === id)
        if (!job) {
          off()
          reject(new Error(`no job ${id}`))
        } else if (job.state !== 'running') finish(job)
      },
      (error: unknown) => {
        off()
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/**
 * What `promise` is rejected with, when that is a `type` (ApiError, ExecError, ...); the test fails when it
 * resolves, and the error itself is thrown again when it is of another kind.
 */
export async function rejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const outcome = await promise.then(
    () => ({ rejected: false as const }),
    (error: unknown) => ({ rejected: true as const, error }),
  )
  if (!outcome.rejected) throw new Error(`expected a rejection with ${type.name}, but it resolved`)
  if (!(outcome.error instanceof type)) throw outcome.error
  return outcome.error
}
