// The log follower: packstack's log on the controller copied to the host by byte offset while packstack
// runs, through the parser, reattaching after a dropped connection where it left off (from byte 0 when a new
// engine picks a run up, so no line is ever lost); and the copy read back for the Install page.
import { createReadStream } from 'node:fs'
import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import type { InstallRun } from '../../../src-shared/install'
import type { LabState } from '../../../src-shared/lab'
import type { PackstackReport } from '../../../src-shared/packstack'
import { type JobHandle } from '../jobs'
import type { LabEnv } from '../lab/env'
import { controllerOf } from '../lab/node-ssh'
import { PackstackParser } from '../packstack/parse'
import { maskGuest } from '../secrets'
import { followDetached } from './detached'
import { elapsed, recordRun } from './runs'

/** How much of the log `readRunLog()` hands back as text (the report covers all of it). */
const LOG_TAIL_BYTES = 256 * 1024

/**
 * Follow a run's log until packstack ends: from byte 0 (so a reattaching engine sees every line), then on
 * every reconnect from the last byte received. Returns the parsed outcome and records it in the lab's state
 * (read afresh with `current`).
 */
export async function followRun(
  env: LabEnv,
  state: LabState,
  run: InstallRun,
  job: JobHandle,
  current: (name: string) => Promise<LabState>,
): Promise<PackstackReport> {
  const name = state.definition.name
  const files = env.store.files(name)
  const ctrl = controllerOf(state).name
  const parser = new PackstackParser()
  const local = files.runLog(run.id)
  await mkdir(files.packstackDir, { recursive: true, mode: 0o700 })
  await writeFile(local, '', { mode: 0o600 })
  let lastDetail = 0
  let reconnects = 0
  let lastStep = ''
  const take = async (chunk: Buffer) => {
    await appendFile(local, chunk)
    parser.feed(chunk)
    if (Date.now() - lastDetail > 500) {
      lastDetail = Date.now()
      const r = parser.report()
      const current = r.steps.at(-1)
      const stepText = current ? `${current.title} ${current.status}` : 'starting'
      const changed = stepText !== lastStep
      lastStep = stepText
      await job.detail(
        'run',
        `${elapsed(run.startedAt)} · ${stepText}` + (reconnects ? ` · reattached ${reconnects}×` : ''),
        { log: changed },
      )
    }
  }
  if (run.pid === null) throw new Error(`packstack's process on ${ctrl} is not known: run the install again`)
  const { rc } = await followDetached(
    env,
    state,
    { node: ctrl, log: run.log, rcFile: run.rcFile, pid: run.pid },
    job,
    take,
    async (n, why) => {
      reconnects = n
      await job.detail('run', `${why}; reattaching (${n})`)
    },
  )
  const report = parser.end()
  run.outcome =
    rc === ''
      ? 'incomplete'
      : rc === '0' && report.outcome === 'success'
        ? 'success'
        : report.outcome === 'success'
          ? 'failed'
          : report.outcome
  run.finishedAt = new Date().toISOString()
  run.error =
    run.outcome === 'success'
      ? null
      : maskGuest(report.errorLines[0] ?? `packstack exited with ${rc || 'no status'}`)
  await recordRun(env, await current(name), run)
  return {
    ...report,
    outcome: run.outcome === 'success' ? 'success' : report.outcome === 'success' ? 'failed' : report.outcome,
  }
}

/** A run's log as Stacklab received it: its tail as text, and what all of it says. */
export async function readRunLog(file: string): Promise<{ text: string; report: PackstackReport }> {
  // Read as a stream through the parser (lines capped, a turn of the event loop per chunk), and only the
  // tail kept as text: a long or hostile log costs its bytes once and never holds up other calls.
  const parser = new PackstackParser()
  let tail = Buffer.alloc(0)
  try {
    for await (const chunk of createReadStream(file)) {
      parser.feed(chunk as Buffer)
      tail = Buffer.concat([tail, chunk as Buffer]).subarray(-LOG_TAIL_BYTES)
    }
  } catch {
    /* no log yet */
  }
  return { text: tail.toString('utf8'), report: parser.end() }
}
