// The log follower: packstack's log on the controller copied to the host by byte offset while packstack
// runs, through the parser, reattaching after a dropped connection where it left off (from byte 0 when a new
// engine picks a run up, so no line is ever lost); and the copy read back for the Install page.
import { createReadStream } from 'node:fs'
import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import type { Client } from 'ssh2'
import type { InstallRun } from '../../../src-shared/install'
import type { LabState } from '../../../src-shared/lab'
import type { PackstackReport } from '../../../src-shared/packstack'
import { Cancelled, type JobHandle } from '../jobs'
import type { LabEnv } from '../lab/env'
import { connectNode, controllerOf } from '../lab/node-ssh'
import { PackstackParser } from '../packstack/parse'
import { maskGuest } from '../secrets'
import { sshExec } from '../ssh/client'
import { streamRemote } from './remote'
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
  let offset = 0
  let lastDetail = 0
  let reconnects = 0
  let lastStep = ''
  const take = async (chunk: Buffer) => {
    offset += chunk.length
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
  for (;;) {
    job.throwIfCancelled()
    let client: Client
    try {
      client = await connectNode(files, state, ctrl, { signal: job.signal, waitMs: 10 * 60_000 })
    } catch (error) {
      if (job.signal.aborted) throw new Cancelled()
      throw error
    }
    try {
      // `tail --pid` ends when the detached wrapper does; a dropped connection ends it with no exit code.
      const code = await streamRemote(
        client,
        `tail -c +${offset + 1} --pid=${run.pid} -F ${run.log} 2>/dev/null`,
        (chunk) => take(chunk),
        job.signal,
      )
      if (job.signal.aborted) throw new Cancelled()
      if (code === null) {
        reconnects++
        await job.detail('run', `connection to ${ctrl} lost; reattaching (${reconnects})`)
        continue
      }
      const rest = await streamRemote(client, `tail -c +${offset + 1} ${run.log}`, (c) => take(c), job.signal)
      if (rest === null) continue
      const rc = (await sshExec(client, `cat ${run.rcFile} 2>/dev/null`)).stdout.trim()
      if (rc === '') {
        const alive = await sshExec(client, `kill -0 ${run.pid} 2>/dev/null`)
        if (alive.code === 0) continue
      }
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
        outcome:
          run.outcome === 'success' ? 'success' : report.outcome === 'success' ? 'failed' : report.outcome,
      }
    } catch (error) {
      if (job.signal.aborted || error instanceof Cancelled) throw new Cancelled()
      reconnects++
      await job.detail('run', `connection to ${ctrl} lost (${(error as Error).message}); reattaching`)
      await new Promise((r) => setTimeout(r, 2000))
    } finally {
      client.end()
    }
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
