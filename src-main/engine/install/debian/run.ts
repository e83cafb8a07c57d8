// The distribution-packages install as a job: the plan's stages in order (plan.ts), each one
//   1. a lab checkpoint "pre-<stage>" (all nodes), so a failure costs one stage, not the install;
//   2. its packages (only those missing: nothing to download on a node that has them);
//   3. its config files, written whole and kept for the Install page;
//   4. its scripts, run DETACHED on their node (own session, log file, exit status file), so a dropped SSH
//      connection or a closed app does not stop them; followed by byte offset, reattached after a reconnect
//      or by a new engine (the running script is recorded in the lab's state before it starts);
//   5. its checks: real calls (token issue, image list, ...) retried until the service answers.
// "Retry" restores the failed stage's checkpoint and runs from that stage on.
import { randomBytes } from 'node:crypto'
import { appendFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Client } from 'ssh2'
import { stageCheckpoint, type StagesState } from '../../../../src-shared/install'
import type { LabState } from '../../../../src-shared/lab'
import { Cancelled, type JobHandle } from '../../jobs'
import { restoreCheckpoint, type LabEnv } from '../../lab/env'
import { connectNode, controllerOf, remote, syncClocks, trustController } from '../../lab/node-ssh'
import { checkpointCreate, checkpointDelete, checkpointList } from '../../libvirt/checkpoint'
import { maskGuest, registerGuestSecret } from '../../secrets'
import { sshExec } from '../../ssh/client'
import { shellQuote } from '../../preflight/fix'
import { InstallError, endFailed, listedStep, type StepsDeps } from '../steps'
import { REMOTE_LOG_DIR } from '../remote'
import { followDetached } from '../detached'
import { failureCause } from './causes'
import { installState, stagesState } from '../runs'
import { packagesScript, SECRET_NAMES, type CloudSecrets, type Stage, type StageFile } from './common'
import { debianPlan } from './plan'

const REMOTE_STAGE_DIR = '/var/lib/stacklab/stages'

function newPassword(): string {
  // URL- and shell-safe: letters and digits only (they go into connection URLs and config files).
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 20)
    .padEnd(20, 'x')
}

export function newSecrets(): CloudSecrets {
  const rec = <K extends string>(names: readonly K[]) =>
    Object.fromEntries(names.map((n) => [n, newPassword()])) as Record<K, string>
  return {
    admin: newPassword(),
    rabbit: newPassword(),
    metadata: newPassword(),
    db: rec(SECRET_NAMES.db),
    service: rec(SECRET_NAMES.service),
  }
}

const secretsFile = (env: LabEnv, lab: string) => join(env.store.files(lab).secretsDir, 'openstack.json')

/** The lab's cloud passwords: made once (0600), then the same on every retry. Registered for masking. */
export async function labSecrets(env: LabEnv, lab: string): Promise<CloudSecrets> {
  const file = secretsFile(env, lab)
  let secrets: CloudSecrets
  try {
    secrets = JSON.parse(await readFile(file, 'utf8')) as CloudSecrets
  } catch {
    secrets = newSecrets()
    await mkdir(env.store.files(lab).secretsDir, { recursive: true, mode: 0o700 })
    await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'w' })
  }
  for (const v of [
    secrets.admin,
    secrets.rabbit,
    secrets.metadata,
    ...Object.values(secrets.db),
    ...Object.values(secrets.service),
  ])
    registerGuestSecret(v)
  return secrets
}

async function saveStages(env: LabEnv, fresh: LabState, stages: StagesState): Promise<void> {
  fresh.install = { ...installState(fresh), stages }
  await env.store.save(fresh)
}

/** Write one file whole (via a temporary file, then rename), its owner and mode set before it appears. */
export async function writeNodeFile(client: Client, file: StageFile): Promise<void> {
  await remote(
    client,
    `set -e; f=${shellQuote(file.path)}; mkdir -p "$(dirname "$f")"; t=$(mktemp "$f.stacklab.XXXXXX"); cat > "$t"; ` +
      `chown ${shellQuote(file.owner)} "$t"; chmod ${shellQuote(file.mode)} "$t"; mv -f "$t" "$f"`,
    file.content,
  )
}

export interface Detached {
  stage: string
  node: string
  script: number
  log: string
  rcFile: string
  pid: number | null
  startedAt: string
}

/** Upload a script and start it detached; resolves with the record (its wrapper's process id set). */
export async function startScript(
  client: Client,
  stage: string,
  node: string,
  n: number,
  script: string,
): Promise<Detached> {
  const id = `${stage}-${n}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`
  const path = `${REMOTE_STAGE_DIR}/${id}.sh`
  const log = `${REMOTE_LOG_DIR}/stage-${id}.log`
  const rcFile = `${REMOTE_LOG_DIR}/stage-${id}.rc`
  await remote(
    client,
    `mkdir -p -m 0700 ${REMOTE_STAGE_DIR} && mkdir -p ${REMOTE_LOG_DIR} && umask 077 && cat > ${path}`,
    `#!/bin/bash\n# Stacklab, stage ${stage} on ${node}\nset -eu -o pipefail\nexport LC_ALL=C\n${script}\n`,
  )
  const out = await remote(
    client,
    `(setsid nohup sh -c 'bash ${path} > ${log} 2>&1; echo $? > ${rcFile}' > /dev/null 2>&1 < /dev/null & echo $!)`,
  )
  const pid = Number(out.trim())
  return {
    stage,
    node,
    script: n,
    log,
    rcFile,
    pid: Number.isInteger(pid) ? pid : null,
    startedAt: new Date().toISOString(),
  }
}

/**
 * Follow a detached script until it ends (install/detached.ts), copying its log to the host as it arrives.
 * Resolves with its exit status and the last lines of its output.
 */
export async function followScript(
  env: LabEnv,
  state: LabState,
  run: Detached,
  job: JobHandle,
): Promise<{ code: number; tail: string; reconnects: number }> {
  const files = env.store.files(state.definition.name)
  const local = join(files.packstackDir, `${run.log.split('/').pop()}`)
  await mkdir(files.packstackDir, { recursive: true, mode: 0o700 })
  await writeFile(local, '', { mode: 0o600 })
  if (run.pid === null) throw new Error(`the script of stage ${run.stage} on ${run.node} has no process id`)
  let text = ''
  let pending = ''
  let reconnects = 0
  let lastDetail = 0
  const { rc } = await followDetached(
    env,
    state,
    { node: run.node, log: run.log, rcFile: run.rcFile, pid: run.pid },
    job,
    async (chunk) => {
      // Masked whole lines at a time, so no secret is cut in two between chunks.
      pending += chunk.toString()
      const cut = pending.lastIndexOf('\n') + 1
      if (!cut) return
      const s = maskGuest(pending.slice(0, cut))
      pending = pending.slice(cut)
      text = (text + s).slice(-64 * 1024)
      await appendFile(local, s)
      if (Date.now() - lastDetail < 500) return
      lastDetail = Date.now()
      const last = text.trimEnd().split('\n').pop() ?? ''
      await job.detail(
        run.stage,
        `${run.node}: ${last.slice(0, 200)}` + (reconnects ? ` · reattached ${reconnects}×` : ''),
      )
    },
    async (n, why) => {
      reconnects = n
      await job.detail(run.stage, `${why}; reattaching (${n})`)
    },
  )
  if (pending) {
    text = (text + maskGuest(pending)).slice(-64 * 1024)
    await appendFile(local, maskGuest(pending))
  }
  const tail = text.trimEnd().split('\n').slice(-12).join('\n')
  return { code: rc === '' ? -1 : Number(rc), tail, reconnects }
}

export async function runCheck(
  client: Client,
  check: Stage['checks'][number],
  job: JobHandle,
): Promise<{ ok: true; out: string } | { ok: false; line: string }> {
  const until = Date.now() + check.waitSeconds * 1000
  let line = ''
  for (;;) {
    job.throwIfCancelled()
    const r = await sshExec(client, check.command)
    if (r.code === 0) {
      const wrong = check.expect(r.stdout)
      if (!wrong) return { ok: true, out: r.stdout }
      line = wrong
    } else line = `exit ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`
    if (Date.now() >= until) return { ok: false, line: maskGuest(line) }
    await new Promise((r) => setTimeout(r, 5000))
  }
}

/**
 * Whether the failed stage had begun (its start time saved before its checkpoint is taken): one cancelled
 * before it began has no checkpoint and nothing of it to undo. A state saved before the start time was kept
 * (undefined) counts as begun: then every failed stage had.
 */
export function failedStageBegun(st: StagesState): boolean {
  return st.failed !== null && st.stageStartedAt !== null
}

export interface DebianRunOptions {
  retry: boolean
  reattach: boolean
}

/** The job steps of a packages install: restore (retry only), connect, then the stages still to run. */
export function debianJobSteps(
  st: StagesState,
  options: DebianRunOptions,
  all: { id: string; title: string }[],
) {
  const from = options.retry && st.failed ? all.findIndex((s) => s.id === st.failed) : 0
  const fromReattach = options.reattach && st.current ? all.findIndex((s) => s.id === st.current!.stage) : 0
  const start = Math.max(0, options.retry ? from : options.reattach ? fromReattach : 0)
  const restore =
    options.retry && st.failed && failedStageBegun(st)
      ? [{ id: 'restore', title: `Restore checkpoint "${stageCheckpoint(st.failed)}"` }]
      : []
  return [...restore, { id: 'connect', title: 'Connect to every node' }, ...all.slice(start)]
}

export async function runDebianInstall(
  deps: StepsDeps,
  env: LabEnv,
  state: LabState,
  job: JobHandle,
  domains: string[],
  options: DebianRunOptions,
): Promise<void> {
  const name = state.definition.name
  const files = env.store.files(name)
  const clients = new Map<string, Client>()
  const client = (node: string) => clients.get(node)!
  // After the follower lost its connection, this one may be gone too: a fresh one for what comes next.
  const reconnect = async (node: string) => {
    clients.get(node)?.end()
    clients.set(node, await connectNode(files, state, node, { signal: job.signal, waitMs: 5 * 60_000 }))
  }
  let st = stagesState(state)
  try {
    const secrets = await labSecrets(env, name)
    const plan = debianPlan(state.definition, secrets)
    await listedStep(job, 'restore', async () => {
      const failed = st.failed!
      await restoreCheckpoint(env, domains, stageCheckpoint(failed))
      const index = plan.findIndex((s) => s.id === failed)
      st = {
        ...st,
        done: plan.slice(0, index).map((s) => s.id),
        current: null,
        failed: null,
        stageStartedAt: null,
      }
      await saveStages(env, await deps.get(name), st)
      return `every node is back at "${stageCheckpoint(failed)}", before ${failed}`
    })
    await listedStep(job, 'connect', async () => {
      for (const n of state.definition.nodes)
        clients.set(
          n.name,
          await connectNode(files, state, n.name, { signal: job.signal, waitMs: 5 * 60_000 }),
        )
      // As the seeds do (scp compute:/etc/nova/nova.conf ...) and a lesson's commands from the controller do.
      const ctrl = controllerOf(state).name
      await trustController(files, state, client(ctrl), [...clients.values()])
      return `${clients.size} nodes answer SSH with their recorded host keys; the controller logs into each (ssh NODE); ${await syncClocks(clients)}`
    })
    if (!options.reattach && !options.retry) {
      st = { done: [], current: null, failed: null, seconds: {}, stageStartedAt: null }
      await saveStages(env, await deps.get(name), st)
    }
    for (const stage of plan) {
      if (!job.job.steps.some((s) => s.id === stage.id)) continue
      const resume = options.reattach && st.current?.stage === stage.id ? st.current : null
      await listedStep(job, stage.id, async () => {
        const t0 = resume && st.stageStartedAt ? Date.parse(st.stageStartedAt) : Date.now()
        if (!resume) {
          st = { ...st, stageStartedAt: new Date(t0).toISOString() }
          await saveStages(env, await deps.get(name), st)
        }
        let fromScript = 0
        if (resume) {
          const followed = await followScript(env, state, resume, job)
          if (followed.reconnects) await reconnect(resume.node)
          if (followed.code !== 0) throw stageFailure(name, stage, resume.node, followed.tail, resume.log)
          fromScript = resume.script + 1
        } else {
          const cp = stageCheckpoint(stage.id)
          const present = await checkpointList(env.virsh, domains)
          if (present.some((c) => c.name === cp)) await checkpointDelete(env.virsh, domains, cp)
          await job.detail(stage.id, `checkpoint "${cp}"`, { log: true })
          await checkpointCreate(env.virsh, domains, cp, `Stacklab: before ${stage.title}`)
          // Paused for the checkpoint: every clock stood still meanwhile.
          await job.detail(stage.id, await syncClocks(clients), { log: true })
          for (const p of stage.packages) {
            if (!p.names.length) continue
            await job.detail(stage.id, `${p.node}: packages ${p.names.join(' ')}`, { log: true })
            await runDetached(-1, p.node, packagesScript(p.names))
          }
          for (const f of stage.files) {
            await job.detail(stage.id, `${f.node}: ${f.path}`, { log: true })
            await writeNodeFile(client(f.node), f)
          }
        }
        for (let i = fromScript; i < stage.scripts.length; i++) {
          const s = stage.scripts[i]!
          await runDetached(i, s.node, s.script)
        }
        const passed: string[] = []
        for (const check of stage.checks) {
          await job.detail(stage.id, `check: ${check.title}`, { log: true })
          const r = await runCheck(client(check.node), check, job)
          if (!r.ok) throw checkFailure(name, stage, check.node, check.title, r.line)
          passed.push(check.title)
        }
        const seconds = Math.round((Date.now() - t0) / 1000)
        st = {
          ...st,
          done: [...st.done, stage.id],
          current: null,
          failed: null,
          stageStartedAt: null,
          seconds: { ...st.seconds, [stage.id]: seconds },
        }
        await saveStages(env, await deps.get(name), st)
        return `${seconds} s · ${passed.join(' · ')}`

        async function runDetached(index: number, node: string, script: string): Promise<void> {
          job.throwIfCancelled()
          const run = await startScript(client(node), stage.id, node, index, script)
          st = { ...st, current: run }
          await saveStages(env, await deps.get(name), st)
          const followed = await followScript(env, state, run, job)
          if (followed.reconnects) await reconnect(node)
          if (followed.code !== 0) throw stageFailure(name, stage, node, followed.tail, run.log)
        }
      })
    }
    st = { ...st, current: null }
    await saveStages(env, await deps.get(name), st)
    await job.end('succeeded')
  } catch (error) {
    // Cancelled: the script running on a node is stopped too (its whole process group); the stage counts as
    // failed, so a retry goes back to its checkpoint.
    const cur = st.current
    if ((error instanceof Cancelled || job.signal.aborted) && cur?.pid && clients.has(cur.node))
      await sshExec(client(cur.node), `kill -TERM -- -${cur.pid} 2>/dev/null; true`).catch(() => undefined)
    // Cancelled between two stages (the one before done, the next not begun): the next counts as failed, with
    // no start time, so a retry runs it without a restore (nothing of it ran, and it has no checkpoint yet).
    const cancelled = error instanceof Cancelled || job.signal.aborted
    const failedStage =
      job.job.steps.find((s) => s.state === 'running')?.id ??
      (cancelled && !st.stageStartedAt
        ? job.job.steps.find((s) => s.state === 'pending' && s.id !== 'connect' && s.id !== 'restore')?.id
        : undefined)
    if (failedStage && failedStage !== 'connect' && failedStage !== 'restore') {
      st = { ...stagesState(await deps.get(name)), failed: failedStage }
      await saveStages(env, await deps.get(name), st).catch(() => undefined)
    }
    await endFailed(
      deps,
      env,
      name,
      job,
      error,
      `: stacklab install ${name}${options.retry ? ' --retry' : ''}`,
    )
  } finally {
    for (const c of clients.values()) c.end()
  }
}

/** The newest stage script's output as Stacklab copied it (the Install page's "show log"), its last 256 KiB. */
export async function newestStageLog(env: LabEnv, lab: string): Promise<string> {
  const dir = env.store.files(lab).packstackDir
  const names = await readdir(dir).catch(() => [] as string[])
  const logs = await Promise.all(
    names
      .filter((n) => n.startsWith('stage-') && n.endsWith('.log'))
      .map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })),
  )
  const newest = logs.sort((a, b) => b.t - a.t)[0]
  if (!newest) return ''
  const text = await readFile(join(dir, newest.n), 'utf8')
  return `${newest.n}\n${text.slice(-256 * 1024)}`
}

/** The stage's hint, after the cause its output names (when it names one). */
const hintFor = (stage: Stage, output: string) => [failureCause(output), stage.hint].filter(Boolean).join(' ')

export function stageFailure(
  lab: string,
  stage: Stage,
  node: string,
  tail: string,
  log: string,
  checkpoint = stageCheckpoint(stage.id),
): InstallError {
  const line = tail.split('\n').filter(Boolean).pop() ?? 'the script stopped'
  const hint = hintFor(stage, tail)
  return new InstallError(
    `Stage "${stage.title}" failed on ${node}: ${line} (log on the node: ${log})\n${tail}`,
    `${hint} Then retry: stacklab install ${lab} --retry (it restores the checkpoint "${checkpoint}" and runs again from there)`,
    {
      reason: 'stage-failed',
      stage: stage.title,
      node,
      line,
      log,
      hint,
      checkpoint,
      lab,
    },
  )
}

export function checkFailure(
  lab: string,
  stage: Stage,
  node: string,
  check: string,
  line: string,
  checkpoint = stageCheckpoint(stage.id),
): InstallError {
  const hint = hintFor(stage, line)
  return new InstallError(
    `Stage "${stage.title}" ran, but "${check}" on ${node} failed: ${line}`,
    `${hint} Then retry: stacklab install ${lab} --retry (it restores the checkpoint "${checkpoint}" and runs again from there)`,
    {
      reason: 'stage-check-failed',
      stage: stage.title,
      node,
      check,
      line,
      hint,
      checkpoint,
      lab,
    },
  )
}
