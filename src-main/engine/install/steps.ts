// The install job's steps, in order: restore (retry only), connect, packstack set-up, answer file, its
// check against the lab, checkpoint "pre-install", run packstack (detached, its log followed), status. A
// step the job does not list (a reattach lists only connect, run and status) is passed over.
import type { Client } from 'ssh2'
import { PRE_INSTALL_CHECKPOINT, type InstallRun } from '../../../src-shared/install'
import type { LabState } from '../../../src-shared/lab'
import type { PackstackReport } from '../../../src-shared/packstack'
import { EngineFailure, type FailureParams, type InstallReason } from '../../../src-shared/failures'
import { Cancelled, type JobHandle } from '../jobs'
import { presetOf, restoreCheckpoint, type LabEnv } from '../lab/env'
import { connectNode, controllerOf, remote, syncClocks, trustController } from '../lab/node-ssh'
import { checkpointCreate, checkpointList } from '../libvirt/checkpoint'
import { checkAnswers } from '../packstack/check'
import { readAnswerText } from '../packstack/answers'
import { maskGuest } from '../secrets'
import { sshExec } from '../ssh/client'
import { computeNodes, generateAnswers, savedAnswers } from './answers-store'
import { followRun } from './follow'
import {
  nodePrepCommands,
  packstackSetupCommands,
  probeKvm,
  REMOTE_ANSWERS,
  repositorySet,
  startDetached,
} from './remote'
import { elapsed, installState, recordNewRun } from './runs'
import { labStatus } from './status'

export interface StepsDeps {
  /** The lab's state as saved now. */
  get: (name: string) => Promise<LabState>
  /** Stop the running packstack (on cancel). */
  stopRun: (env: LabEnv, name: string) => Promise<void>
}

export class InstallError extends EngineFailure {
  declare readonly fix: string
  constructor(message: string, fix: string, params: FailureParams & { reason: InstallReason }) {
    super('install', message, { params, fix })
    this.name = 'InstallError'
  }
}

/** Start packstack detached; the run is recorded before it starts and again with its process id. */
export async function startRun(
  env: LabEnv,
  state: LabState,
  controller: Client,
  join?: string,
): Promise<InstallRun> {
  const preset = presetOf(state)
  const run = await recordNewRun(
    env,
    state,
    repositorySet(preset.osFamily, state.definition.release, preset.eol),
    join,
  )
  run.pid = await startDetached(controller, run)
  await env.store.save(state)
  return run
}

/** Run the install job's steps; the job ends succeeded, cancelled (packstack stopped) or failed. */
export async function runInstall(
  deps: StepsDeps,
  env: LabEnv,
  state: LabState,
  job: JobHandle,
  domains: string[],
  options: { retry: boolean; reattach: boolean },
): Promise<void> {
  const name = state.definition.name
  const files = env.store.files(name)
  const ctrlName = controllerOf(state).name
  let controller: Client | null = null
  // The other nodes, open from connect to the end of setup (their repositories, their KVM check).
  let others = new Map<string, Client>()
  const closeOthers = () => {
    for (const c of others.values()) c.end()
    others = new Map()
  }
  // Whether each compute node can run KVM guests, checked from inside it during setup.
  const kvm: Record<string, boolean> = {}
  const step = (id: string, work: () => Promise<string | void>) => listedStep(job, id, work)
  try {
    await step('restore', async () => {
      await restoreCheckpoint(env, domains, PRE_INSTALL_CHECKPOINT)
      return `every node is back at "${PRE_INSTALL_CHECKPOINT}"`
    })
    await step('connect', async () => {
      const clients = await Promise.all(
        state.definition.nodes.map((n) =>
          connectNode(files, state, n.name, { signal: job.signal, waitMs: 5 * 60_000 }),
        ),
      )
      controller = clients[state.definition.nodes.findIndex((n) => n.name === ctrlName)]!
      if (!options.reattach) await trustController(files, state, controller, clients)
      state.definition.nodes.forEach((n, i) => {
        if (n.name !== ctrlName) others.set(n.name, clients[i]!)
      })
      const clocks = await syncClocks(new Map(state.definition.nodes.map((n, i) => [n.name, clients[i]!])))
      if (options.reattach) closeOthers()
      return `${clients.length} nodes answer SSH with their recorded host keys; ${clocks}`
    })
    const ctrl = () => controller!
    await step('setup', async () => {
      const preset = presetOf(state)
      const release = state.definition.release
      const clientOf = (name: string) => (name === ctrlName ? ctrl() : others.get(name)!)
      for (const n of computeNodes(state)) kvm[n.name] = await probeKvm(clientOf(n.name))
      const found = await sshExec(ctrl(), 'command -v packstack && packstack --version')
      const repos = repositorySet(preset.osFamily, release, preset.eol)
      // Every other node gets the lab's repositories too: packstack installs RDO packages on each host.
      for (const [name, client] of others)
        for (const command of nodePrepCommands(preset.osFamily, repos)) {
          job.throwIfCancelled()
          await job.detail('setup', `${name}: ${command}`)
          await remote(client, command)
        }
      const virt = Object.entries(kvm)
        .map(([n, ok]) => `${n}: ${ok ? 'kvm' : 'no KVM, qemu'}`)
        .join(', ')
      if (found.code === 0) return `packstack is installed: ${found.stdout.trim().split('\n').pop()}; ${virt}`
      const commands = packstackSetupCommands(preset.osFamily, release, preset.eol)
      if (!commands.length) throw new Error(`No way to install packstack on ${preset.label}`)
      for (const command of commands) {
        job.throwIfCancelled()
        await job.detail('setup', command)
        await remote(ctrl(), command)
      }
      return `packstack for ${release} installed (${repos?.releasePackage ?? 'no repositories'}); ${virt}`
    })
    let answers = ''
    await step('answers', async () => {
      try {
        answers = await savedAnswers(files)
        return "the lab's saved answer file"
      } catch {
        answers = await generateAnswers(files, state, ctrl(), kvm)
        return "generated on the controller with the lab's hosts and a new admin password"
      }
    })
    await step('check', async () => {
      const problems = checkAnswers(
        readAnswerText(answers).fields,
        { definition: state.definition, state },
        Object.keys(kvm).length ? { kvm } : {},
      )
      const errors = problems.filter((p) => p.severity === 'error')
      if (errors.length)
        throw new InstallError(
          `The answer file does not fit the lab: ${errors.map((p) => `${p.key}: ${p.message}`).join('; ')}`,
          'Fix these keys in the answer file (Install page or the saved file), then install again',
          { reason: 'answers-misfit', keys: errors.map((p) => `${p.key}: ${p.message}`).join('; ') },
        )
      await remote(ctrl(), `umask 077 && cat > ${REMOTE_ANSWERS}`, answers)
      const warnings = problems.filter((p) => p.severity !== 'error')
      return warnings.length
        ? `warnings: ${warnings.map((p) => `${p.key}: ${p.message}`).join('; ')}`
        : 'no problems'
    })
    await step('checkpoint', async () => {
      const present = await checkpointList(env.virsh, domains)
      if (present.some((c) => c.name === PRE_INSTALL_CHECKPOINT))
        return `kept the existing "${PRE_INSTALL_CHECKPOINT}" (it is the clean state to go back to)`
      await checkpointCreate(env.virsh, domains, PRE_INSTALL_CHECKPOINT, 'Stacklab: before packstack')
      // Paused for the checkpoint: every clock stood still meanwhile.
      return `taken; ${await syncClocks(new Map([[ctrlName, ctrl()], ...others]))}`
    })
    closeOthers()
    let report: PackstackReport | null = null
    await step('run', async () => {
      const run = options.reattach ? installState(state).runs.at(-1)! : await startRun(env, state, ctrl())
      controller?.end()
      controller = null
      report = await followRun(env, state, run, job, deps.get)
      if (report.outcome !== 'success') {
        const failing = report.failure
        const where = failing ? ` at "${failing.step}"${failing.host ? ` on ${failing.host}` : ''}` : ''
        const first = report.errorLines[0] ?? 'packstack stopped without finishing'
        throw new InstallError(
          `packstack ${report.outcome === 'failed' ? 'failed' : 'did not finish'}${where}: ${first}` +
            (report.logFile ? ` (log: ${report.logFile})` : ''),
          report.hints[0]?.fix ??
            `Restore the "${PRE_INSTALL_CHECKPOINT}" checkpoint and retry: stacklab install ${name} --retry`,
          {
            reason: report.outcome === 'failed' ? 'packstack-failed' : 'packstack-unfinished',
            step: failing?.step ?? '—',
            host: failing?.host ?? '—',
            line: first,
            log: report.logFile ?? '—',
            checkpoint: PRE_INSTALL_CHECKPOINT,
            lab: name,
          },
        )
      }
      return `finished in ${elapsed(run.startedAt)}`
    })
    await step('status', async () => {
      const status = await labStatus(env, await deps.get(name))
      return status.problems.length
        ? status.problems.map((p) => p.message).join('; ')
        : `every node healthy; Horizon at ${status.horizon?.url}`
    })
    await job.end('succeeded')
  } catch (error) {
    const ctl = controller as Client | null
    ctl?.end()
    closeOthers()
    await endFailed(
      deps,
      env,
      name,
      job,
      error,
      `: stacklab install ${name}${options.retry ? ' --retry' : ''}`,
    )
  }
}

/**
 * Run a step the job lists (a step it does not list is passed over), its detail from `work`; with
 * `cancelFirst`, a cancelled job stops before the step starts.
 */
export async function listedStep(
  job: JobHandle,
  id: string,
  work: () => Promise<string | void>,
  options: { cancelFirst?: boolean } = {},
): Promise<void> {
  if (!job.job.steps.some((s) => s.id === id)) return
  if (options.cancelFirst) job.throwIfCancelled()
  await job.start(id)
  const detail = await work()
  await job.finish(id, 'done', detail ?? undefined)
}

/**
 * End an install or join job that stopped on `error`: cancelled (packstack stopped) or failed, with its
 * message and fix. `retry` ends the fix for failures that carry none ("Check the nodes answer SSH, then…").
 */
export async function endFailed(
  deps: StepsDeps,
  env: LabEnv,
  name: string,
  job: JobHandle,
  error: unknown,
  retry: string,
): Promise<void> {
  if (error instanceof Cancelled || job.signal.aborted) {
    await deps.stopRun(env, name).catch(() => undefined)
    await job.end('cancelled')
    return
  }
  // The message may quote the nodes' output (packstack's error lines): guests' passwords are masked.
  const message = maskGuest((error as Error).message)
  const fix =
    error instanceof InstallError ? maskGuest(error.fix) : `Check the nodes answer SSH, then${retry}`
  const failure = error instanceof EngineFailure ? { code: error.code, params: error.params } : {}
  await job.end('failed', { message, fix, ...failure })
}
