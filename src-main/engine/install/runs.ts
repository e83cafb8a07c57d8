// Install run records in the lab's state: each packstack run is recorded before it starts (so a new engine
// can reattach to it), again with its process id, and once more with its outcome.
import { randomBytes } from 'node:crypto'
import type { InstallRun, InstallState, RepositorySet, StagesState } from '../../../src-shared/install'
import type { LabState } from '../../../src-shared/lab'
import type { LabEnv } from '../lab/env'
import { REMOTE_LOG_DIR } from './remote'

export function installState(state: LabState): InstallState {
  return state.install ?? { answersSaved: false, runs: [] }
}

/** Where a distribution-packages install stands (nothing done yet for a lab that never ran one). */
export function stagesState(state: LabState): StagesState {
  return installState(state).stages ?? { done: [], current: null, failed: null, seconds: {} }
}

/** A new run, recorded in the lab's state before packstack starts. */
export async function recordNewRun(
  env: LabEnv,
  state: LabState,
  repositories: RepositorySet | null = null,
  join?: string,
): Promise<InstallRun> {
  const id = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`
  const run: InstallRun = {
    id,
    log: `${REMOTE_LOG_DIR}/packstack-${id}.log`,
    rcFile: `${REMOTE_LOG_DIR}/packstack-${id}.rc`,
    pid: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    outcome: 'running',
    error: null,
    repositories,
    ...(join ? { join } : {}),
  }
  const install = installState(state)
  state.install = { ...install, runs: [...install.runs, run] }
  await env.store.save(state)
  return run
}

/** Write a run's record into the lab's current state (read afresh: other work may have saved it meanwhile). */
export async function recordRun(env: LabEnv, fresh: LabState, run: InstallRun): Promise<void> {
  const install = installState(fresh)
  fresh.install = { ...install, runs: install.runs.map((r) => (r.id === run.id ? run : r)) }
  await env.store.save(fresh)
}

/** Time since a run started, as 3m07s. */
export function elapsed(since: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000))
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}
