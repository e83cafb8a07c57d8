// OpenStack on a lab with packstack, as a job: connect, repositories and packstack, answer file, check it
// against the lab, checkpoint "pre-install", run packstack, read the status. packstack runs DETACHED on the
// controller (its own session, output to a log file, exit status to a file), so it survives a dropped SSH
// connection or a closed app; Stacklab follows the log by byte offset and reattaches where it left off,
// replaying the log from the start when a new engine picks a run up, so no line is ever lost. "Retry"
// restores the pre-install checkpoint and runs again with the same answer file.
//
// This is the service the engine calls; the parts are apart: the steps (steps.ts), what runs on the nodes
// (remote.ts), the log follower (follow.ts), the answer file on the host (answers-store.ts) and the run
// records in the lab's state (runs.ts).
import { ApiError } from '../../../src-shared/errors'
import {
  INSTALL_STEPS,
  PRE_INSTALL_CHECKPOINT,
  debianJoinSteps,
  debianStagesOf,
  joinSteps,
  preJoinCheckpoint,
  stageCheckpoint,
  type InstallRun,
  type StagesState,
} from '../../../src-shared/install'
import type { Job } from '../../../src-shared/jobs'
import type { LabState } from '../../../src-shared/lab'
import type { PackstackReport } from '../../../src-shared/packstack'
import type { JobHandle, JobRunner } from '../jobs'
import type { LabEnv } from '../lab/env'
import { presetOf } from '../lab/env'
import { connectNode, controllerOf } from '../lab/node-ssh'
import { domainName } from '../lab/provision-node'
import { checkpointList } from '../libvirt/checkpoint'
import { readAnswerText } from '../packstack/answers'
import { sshExec } from '../ssh/client'
import { generateAnswers, savedAnswers, writeAnswers } from './answers-store'
import { readRunLog } from './follow'
import { installState, recordRun } from './runs'
import { runJoin } from './join'
import { runInstall, type StepsDeps } from './steps'
import { debianPlan } from './debian/plan'
import { runDebianJoin } from './debian/join'
import { debianJobSteps, failedStageBegun, labSecrets, newestStageLog, runDebianInstall } from './debian/run'
import { stagesState } from './runs'
import { installerOf } from '../../../src-shared/lab'

export interface InstallDeps {
  env: () => Promise<LabEnv>
  jobs: JobRunner
  /** The lab service's one-job-per-lab lock. */
  claim: (name: string, state: LabState, work: () => Promise<void>) => void
  busy: (name: string, state: LabState) => void
  get: (name: string) => Promise<LabState>
}

export class InstallService {
  private readonly steps: StepsDeps

  constructor(private readonly deps: InstallDeps) {
    this.steps = { get: (name) => this.deps.get(name), stopRun: (env, name) => this.stopRun(env, name) }
  }

  /** The lab's answer file: the one saved, or a new one generated on the controller with the lab's values. */
  async answers(name: string): Promise<{ text: string; generated: boolean }> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    this.packstackOnly(state)
    const files = env.store.files(name)
    try {
      return { text: await savedAnswers(files), generated: false }
    } catch {
      const client = await connectNode(files, state, controllerOf(state).name)
      try {
        return { text: await generateAnswers(files, state, client), generated: true }
      } finally {
        client.end()
      }
    }
  }

  /** Keep the user's answer file for the next install (0600: it holds every service password). */
  async saveAnswers(name: string, text: string): Promise<void> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    this.packstackOnly(state)
    readAnswerText(text) // refuses a file that is not an answer file, before anything is written
    await writeAnswers(env.store.files(name), text)
    state.install = { ...installState(state), answersSaved: true }
    await env.store.save(state)
  }

  /** Install (or, with `retry`, restore the pre-install checkpoint and install again). */
  async install(name: string, options: { retry?: boolean } = {}): Promise<Job> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    this.deps.busy(name, state)
    if (state.status !== 'ready')
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${name} is ${state.status}: install on a ready lab`,
      })
    const last = installState(state).runs.at(-1)
    const domains = state.definition.nodes.map((n) => domainName(state.definition, n))
    if (installerOf(presetOf(state)) === 'packages')
      return this.installPackages(env, state, domains, !!options.retry)
    // The last run joined a compute node added later: retry, reattach or finish that join, not an install.
    if (last?.join && (options.retry || last.outcome !== 'success'))
      return this.joinAgain(env, state, last, domains, !!options.retry)
    if (options.retry)
      await mustHaveCheckpoint(env, domains, name, PRE_INSTALL_CHECKPOINT, '; run an install first')
    const reattach = !options.retry && last?.outcome === 'running'
    const steps = options.retry
      ? [
          { id: 'restore', title: `Restore checkpoint "${PRE_INSTALL_CHECKPOINT}"` },
          ...INSTALL_STEPS.filter((s) => s.id !== 'checkpoint'),
        ]
      : reattach
        ? INSTALL_STEPS.filter((s) => s.id === 'connect' || s.id === 'run' || s.id === 'status')
        : [...INSTALL_STEPS]
    const title = options.retry
      ? `Retry the OpenStack install on ${name}`
      : reattach
        ? `Reattach to packstack on ${name}`
        : `Install OpenStack on ${name}`
    const job = this.deps.jobs.create(options.retry ? 'lab.retry' : 'lab.install', name, title, steps)
    this.deps.claim(name, state, () =>
      runInstall(this.steps, env, state, job, domains, { retry: !!options.retry, reattach }),
    )
    return structuredClone(job.job)
  }

  /**
   * The distribution-packages install (install/debian): every stage with its checkpoint; `retry` restores
   * the failed stage's checkpoint and runs from there; a stage still running on a node is reattached to.
   */
  private async installPackages(
    env: LabEnv,
    state: LabState,
    domains: string[],
    retry: boolean,
  ): Promise<Job> {
    const name = state.definition.name
    const st = stagesState(state)
    // The last thing done was joining a compute node added later, and it did not finish: finish that join
    // (with retry, from its "pre-join-<node>" checkpoint), not an install.
    const joining = st.joining
    if (joining && joining.outcome !== 'success' && !st.failed) {
      const checkpoint = preJoinCheckpoint(joining.node)
      if (retry) await mustHaveCheckpoint(env, domains, name, checkpoint)
      const steps = debianJoinSteps(state.definition, joining.node).filter((s) => s.id !== 'join-checkpoint')
      const job = this.deps.jobs.create(
        retry ? 'lab.retry' : 'lab.install',
        name,
        retry
          ? `Retry joining ${joining.node} to OpenStack on ${name}`
          : `Join ${joining.node} to OpenStack on ${name}`,
        retry ? [{ id: 'join-restore', title: `Restore checkpoint "${checkpoint}"` }, ...steps] : steps,
      )
      this.deps.claim(name, state, () => runDebianJoin(this.steps, env, name, job, joining.node))
      return structuredClone(job.job)
    }
    if (retry) {
      if (!st.failed)
        throw new ApiError({
          code: 'invalid-state',
          message: `lab ${name} has no failed install stage to retry${st.done.length ? '' : '; run an install first'}`,
        })
      if (failedStageBegun(st)) await mustHaveCheckpoint(env, domains, name, stageCheckpoint(st.failed))
    }
    const reattach = !retry && st.current !== null && st.failed === null
    const steps = debianJobSteps(st, { retry, reattach }, debianStagesOf(state.definition))
    const title = retry
      ? `Retry the OpenStack install on ${name} from ${st.failed}`
      : reattach
        ? `Reattach to the OpenStack install on ${name} (${st.current!.stage})`
        : `Install OpenStack from the distribution's packages on ${name}`
    const job = this.deps.jobs.create(retry ? 'lab.retry' : 'lab.install', name, title, steps)
    this.deps.claim(name, state, () =>
      runDebianInstall(this.steps, env, state, job, domains, { retry, reattach }),
    )
    return structuredClone(job.job)
  }

  /** The config files the distribution-packages install writes, stage by stage, exactly as written. */
  async installFiles(name: string): Promise<{
    stages: {
      id: string
      title: string
      files: { node: string; path: string; purpose: string; content: string }[]
    }[]
    progress: StagesState
  }> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    if (installerOf(presetOf(state)) !== 'packages')
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${name} installs with packstack: its configuration is the answer file (stacklab answers ${name})`,
      })
    const plan = debianPlan(state.definition, await labSecrets(env, name))
    return {
      stages: plan.map((s) => ({
        id: s.id,
        title: s.title,
        files: s.files.map((f) => ({ node: f.node, path: f.path, purpose: f.purpose, content: f.content })),
      })),
      progress: stagesState(state),
    }
  }

  private packstackOnly(state: LabState): void {
    if (installerOf(presetOf(state)) !== 'packstack')
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${state.definition.name} installs from the distribution's packages: it has no packstack answer file (see its install files)`,
      })
  }

  /** Join a compute node just added to the installed lab, in the job that added its VM (see join.ts). */
  async join(env: LabEnv, name: string, job: JobHandle, node: string): Promise<void> {
    const state = await this.deps.get(name)
    if (installerOf(presetOf(state)) === 'packages') await runDebianJoin(this.steps, env, name, job, node)
    else await runJoin(this.steps, env, name, job, node)
  }

  /**
   * After a join run: retry (restore "pre-join-<node>", join again), reattach to a join still running, or
   * finish a join that failed, from the node's preparation on.
   */
  private async joinAgain(
    env: LabEnv,
    state: LabState,
    last: InstallRun,
    domains: string[],
    retry: boolean,
  ): Promise<Job> {
    const name = state.definition.name
    const node = last.join!
    const checkpoint = preJoinCheckpoint(node)
    if (retry) await mustHaveCheckpoint(env, domains, name, checkpoint)
    const reattach = !retry && last.outcome === 'running'
    const join = joinSteps(node)
    const steps = retry
      ? [
          { id: 'join-restore', title: `Restore checkpoint "${checkpoint}"` },
          ...join.filter((s) => s.id !== 'join-checkpoint'),
        ]
      : reattach
        ? join.filter((s) => s.id === 'run' || s.id === 'discover' || s.id === 'verify')
        : join.filter((s) => s.id !== 'join-checkpoint')
    const title = retry
      ? `Retry joining ${node} to OpenStack on ${name}`
      : reattach
        ? `Reattach to packstack joining ${node} on ${name}`
        : `Join ${node} to OpenStack on ${name}`
    const job = this.deps.jobs.create(retry ? 'lab.retry' : 'lab.install', name, title, steps)
    this.deps.claim(name, state, () => runJoin(this.steps, env, name, job, node, { reattach }))
    return structuredClone(job.job)
  }

  /** Stop a running packstack (cancel): its whole process group on the controller. */
  private async stopRun(env: LabEnv, name: string): Promise<void> {
    const state = await this.deps.get(name)
    const run = installState(state).runs.at(-1)
    if (!run || run.outcome !== 'running' || !run.pid) return
    const client = await connectNode(env.store.files(name), state, controllerOf(state).name)
    try {
      await sshExec(client, `kill -TERM -- -${run.pid} 2>/dev/null; true`)
    } finally {
      client.end()
    }
    run.outcome = 'cancelled'
    run.finishedAt = new Date().toISOString()
    run.error = 'cancelled'
    await recordRun(env, await this.deps.get(name), run)
  }

  /** The newest run's log as Stacklab received it, and what it says. */
  async log(name: string): Promise<{ run: InstallRun | null; text: string; report: PackstackReport | null }> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    if (installerOf(presetOf(state)) === 'packages')
      return { run: null, text: await newestStageLog(env, name), report: null }
    const run = installState(state).runs.at(-1) ?? null
    if (!run) return { run: null, text: '', report: null }
    return { run, ...(await readRunLog(env.store.files(name).runLog(run.id))) }
  }
}

/** A retry goes back to `checkpoint`: refused, before anything changes, when the lab's nodes lack it. */
async function mustHaveCheckpoint(
  env: LabEnv,
  domains: string[],
  lab: string,
  checkpoint: string,
  more = '',
): Promise<void> {
  const present = await checkpointList(env.virsh, domains)
  if (!present.some((c) => c.name === checkpoint))
    throw new ApiError({
      code: 'invalid-state',
      message: `lab ${lab} has no "${checkpoint}" checkpoint to go back to${more}`,
    })
}
