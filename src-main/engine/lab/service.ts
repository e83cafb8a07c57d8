// Labs as the user sees them: create (one job through the pipeline), resume after a crash, cancel with
// rollback, add a node, delete exactly what was made, list. Long work runs in the background as a job.
import { alive } from '../proc'
import type { NodeDef } from '../../../src-shared/lab'
import {
  LabDefinition,
  installerOf,
  nodeAddress,
  nodeDataDiskFile,
  nodeDiskFile,
  type LabState,
  type LabSummary,
} from '../../../src-shared/lab'
import type { Job } from '../../../src-shared/jobs'
import { debianJoinSteps, joinSteps, openstackInstalled } from '../../../src-shared/install'
import { ApiError, issuesOf } from '../../../src-shared/errors'
import { EngineFailure, type FailureCode, type FailureParams } from '../../../src-shared/failures'
import { Cancelled, type JobHandle, type JobRunner } from '../jobs'
import { PipelineError, presetOf, type LabEnv } from './env'
import { Recorder, newLabState, removeResources } from './journal'
import { stopLeftovers } from './leftovers'
import { connectNode, controllerOf, trustController } from './node-ssh'
import { PIPELINE_STEPS, runPipeline } from './pipeline'
import { ValidationError } from '../libvirt/network'
import { labNetworkWarnings, pathText, type RuleIssue } from '../../../src-shared/lab-networks'
import { labHostIssues, type Owned } from '../../../src-shared/lab-host'
import { readAll } from '../libvirt/refresh'
import { LibvirtError } from '../libvirt/errors'
import { ExecError } from '../exec'
import { explainBuilderError } from '../provision/image'
import { present, recordsDisk } from './disks'

/**
 * Node disk paths where a file already is that this lab's records do not list: refused before anything is
 * made, so a user's own file is never overwritten (the pipeline checks again when it makes each disk).
 */
async function foreignDisks(
  env: LabEnv,
  lab: string,
  nodes: readonly { name: string; dataDiskGiB?: number | undefined }[],
  state: LabState | null,
  at: (i: number) => string,
): Promise<{ path: string; message: string }[]> {
  const issues: { path: string; message: string }[] = []
  for (const [i, node] of nodes.entries()) {
    const disks = [nodeDiskFile(env.imagesDir, lab, node.name)]
    if (node.dataDiskGiB) disks.push(nodeDataDiskFile(env.imagesDir, lab, node.name))
    for (const disk of disks) {
      if (state && recordsDisk(state, disk)) continue
      if (await present(disk))
        issues.push({
          path: at(i),
          message: `${disk} already exists and Stacklab did not make it; it never overwrites a file it did not make: move it away or choose another name`,
        })
    }
  }
  return issues
}

/** Joins a compute node just added to an installed lab to OpenStack, in the add's job (InstallService.join). */
export type Joiner = (env: LabEnv, name: string, job: JobHandle, node: string) => Promise<void>

export class LabService {
  private readonly active = new Map<string, Promise<void>>()
  /** Set by the engine; without it (or on a lab without an install) adding a node adds its VM only. */
  joiner: Joiner | null = null

  constructor(
    private readonly env: () => Promise<LabEnv>,
    private readonly jobs: JobRunner,
  ) {}

  /**
   * Every problem of a definition, by field: the schema's (fields, roles, the networks' own rules), then
   * the checks create makes against this host's networks, when libvirt can be asked. Warnings: what works
   * but is likely not meant, and what could not be checked.
   */
  async validate(raw: unknown): Promise<LabVerdict> {
    const r = LabDefinition.safeParse(raw)
    if (!r.success) return { ok: false, issues: issuesOf(r.error), warnings: [] }
    const warnings = labNetworkWarnings(r.data).map(asIssue)
    let issues: LabIssue[] = []
    try {
      const env = await this.env()
      const existing = await env.store.get(r.data.name).catch(() => null)
      if (existing)
        warnings.push({
          path: 'name',
          message: `a lab named ${r.data.name} exists: create refuses the name until that lab is deleted`,
        })
      issues = await hostIssues(env, r.data, {
        networks: existing?.resources.networks ?? [],
        domains: existing?.resources.domains ?? [],
      })
    } catch (error) {
      warnings.push({
        path: 'networks',
        message: `not checked against this host's networks (libvirt could not be asked: ${messageOf(error)})`,
      })
    }
    return { ok: issues.length === 0, issues, warnings }
  }

  /** Run `work` as the lab's one job (an install, a retry); the lab is locked until it ends. */
  claim(name: string, state: LabState, work: () => Promise<void>): void {
    this.busy(name, state)
    this.active.set(
      name,
      work().finally(() => this.active.delete(name)),
    )
  }

  /** Refuse when the lab has a job running, here or in another engine process. */
  busy(name: string, state?: LabState | null): void {
    const elsewhere = state?.ownerPid && state.ownerPid !== process.pid && alive(state.ownerPid)
    if (this.active.has(name) || elsewhere) {
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${name} has a job running${elsewhere ? ` in process ${state.ownerPid}` : ''}; cancel it or wait`,
      })
    }
  }

  async create(definition: LabDefinition, rootPassword?: string): Promise<Job> {
    const env = await this.env()
    this.busy(definition.name)
    if (await env.store.get(definition.name)) {
      throw new ApiError({
        code: 'already-exists',
        message: `a lab named ${definition.name} exists; delete it or choose another name`,
        issues: [{ path: 'name', message: 'already exists' }],
      })
    }
    // What the networks step would find wrong on this host, refused before anything is saved or made.
    const clashes = await hostIssues(env, definition, { networks: [], domains: [] }).catch(
      () => [] as LabIssue[],
    )
    if (clashes.length)
      throw new ApiError({
        code: 'bad-request',
        message: `This host cannot take lab ${definition.name}: ${clashes.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues: clashes.map((i) => ({ ...i, path: `definition.${i.path}` })),
      })
    const foreign = await foreignDisks(
      env,
      definition.name,
      definition.nodes,
      null,
      (i) => `definition.nodes.${i}.name`,
    )
    if (foreign.length)
      throw new ApiError({
        code: 'bad-request',
        message: foreign.map((f) => f.message).join('; '),
        issues: foreign,
      })
    const state = newLabState(definition, 'qemu')
    await env.store.save(state)
    const job = this.jobs.create('lab.create', definition.name, `Create lab ${definition.name}`, [
      ...PIPELINE_STEPS,
    ])
    this.execute(env, job, state, rootPassword ? { rootPassword } : {})
    return structuredClone(job.job)
  }

  async resume(name: string): Promise<Job> {
    const env = await this.env()
    this.busy(name)
    const state = await this.must(name)
    this.busy(name, state)
    if (state.status === 'ready')
      throw new ApiError({ code: 'invalid-state', message: `lab ${name} is ready: nothing to resume` })
    await stopLeftovers(env, name)
    state.status = 'creating'
    await env.store.save(state)
    const job = this.jobs.create('lab.resume', name, `Resume lab ${name}`, [...PIPELINE_STEPS])
    this.execute(env, job, state, {})
    return structuredClone(job.job)
  }

  async addNode(name: string, node: NodeDef, options: { join?: boolean | undefined } = {}): Promise<Job> {
    const env = await this.env()
    this.busy(name)
    const state = await this.must(name)
    this.busy(name, state)
    if (state.status !== 'ready')
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${name} is ${state.status}: add nodes to a ready lab`,
      })
    const next = LabDefinition.safeParse({ ...state.definition, nodes: [...state.definition.nodes, node] })
    if (!next.success) {
      const issues = issuesOf(next.error).map((i) => ({
        ...i,
        path: i.path.replace(`nodes.${state.definition.nodes.length}`, 'node'),
      }))
      throw new ApiError({
        code: 'bad-request',
        message: `Invalid node: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      })
    }
    // On an installed lab the node joins OpenStack too, as a compute host (packstack adds compute hosts only,
    // EXCLUDE_SERVERS keeping the rest as they are; the packages install runs a compute node's part of each
    // stage), so another role is refused, not half-made. With join false only the VM is added: the learner
    // joins it by hand (seed 000), and no role is refused.
    const joins = !!this.joiner && openstackInstalled(state) && options.join !== false
    // A packages install part way: the stages done would never run for the new node (a retry goes on from
    // the failed stage), so it is refused until the install is finished.
    const started = state.install?.stages?.done.length ?? 0
    if (installerOf(presetOf(state)) === 'packages' && started && !openstackInstalled(state))
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${name} is part way through its install (${started} stages done): finish it first (stacklab install ${name}, or --retry), then add the node; the stages already done would not run for it`,
      })
    const role = next.data.nodes.at(-1)!.role
    if (joins && role !== 'compute')
      throw new ApiError({
        code: 'bad-request',
        message: `OpenStack is installed on lab ${name}: a node added now joins it as a compute node, and ${role} is not compute`,
        issues: [{ path: 'node.role', message: 'only compute nodes can join an installed lab' }],
      })
    // The new node's VM name and addresses against the host, by the rules create uses: the define step
    // would otherwise take a VM of the same name as the lab's own (and delete would then remove it).
    const added = `nodes.${state.definition.nodes.length}`
    const owned = {
      networks: state.resources.networks,
      domains: [
        ...state.resources.domains,
        ...state.resources.intents.filter((i) => i.kind === 'domain').map((i) => i.name),
      ],
    }
    const clashes = (await hostIssues(env, next.data, owned).catch(() => [] as LabIssue[]))
      .filter((i) => i.path === added || i.path.startsWith(`${added}.`))
      .map((i) => ({ ...i, path: i.path.replace(added, 'node') }))
    if (clashes.length)
      throw new ApiError({
        code: 'bad-request',
        message: `This host cannot take node ${node.name}: ${clashes.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues: clashes,
      })
    const foreign = await foreignDisks(env, name, [node], state, () => 'node.name')
    if (foreign.length)
      throw new ApiError({
        code: 'bad-request',
        message: foreign.map((f) => f.message).join('; '),
        issues: foreign,
      })
    state.definition = next.data
    state.status = 'creating'
    await env.store.save(state)
    // Joined by hand: the controller is let into it as into the others, for the seeds' scp and ssh from there.
    const byHand = !joins && openstackInstalled(state)
    const job = this.jobs.create(
      'lab.addNode',
      name,
      joins ? `Add ${node.name} to lab ${name} and join it to OpenStack` : `Add ${node.name} to lab ${name}`,
      [
        ...PIPELINE_STEPS,
        ...(byHand
          ? [{ id: 'trust', title: `Let the controller log into ${node.name} (ssh ${node.name})` }]
          : []),
        ...(!joins
          ? []
          : installerOf(presetOf(state)) === 'packages'
            ? debianJoinSteps(next.data, node.name)
            : joinSteps(node.name)),
      ],
    )
    this.execute(env, job, state, {
      only: [node.name],
      ...(joins ? { join: node.name } : {}),
      ...(byHand ? { trust: node.name } : {}),
    })
    return structuredClone(job.job)
  }

  async delete(name: string): Promise<Job> {
    const env = await this.env()
    this.busy(name)
    const state = await this.must(name)
    this.busy(name, state)
    const job = this.jobs.create('lab.delete', name, `Delete lab ${name}`, [
      { id: 'resources', title: 'Remove VMs, networks and disks' },
      { id: 'files', title: 'Remove lab files' },
    ])
    const work = (async () => {
      try {
        await stopLeftovers(env, name)
        state.status = 'deleting'
        await env.store.save(state)
        await job.start('resources')
        const removed = await removeResources(env, state)
        await job.finish('resources', 'done', removed.join(', ') || 'nothing to remove')
        await job.start('files')
        await env.store.remove(name)
        await job.finish('files')
        await job.end('succeeded')
      } catch (error) {
        await job.end('failed', { message: messageOf(error), ...failureOf(error) })
      } finally {
        this.active.delete(name)
      }
    })()
    this.active.set(name, work)
    return structuredClone(job.job)
  }

  async list(): Promise<LabSummary[]> {
    const env = await this.env()
    return (await env.store.list()).map((s) => ({
      name: s.definition.name,
      status:
        s.status === 'creating' && !this.active.has(s.definition.name) && !(s.ownerPid && alive(s.ownerPid))
          ? 'interrupted'
          : s.status,
      preset: s.definition.preset,
      release: s.definition.release,
      nodes: s.definition.nodes.map((n) => ({
        name: n.name,
        role: n.role,
        address: nodeAddress(n),
        domain: s.nodes[n.name]?.domain ?? null,
      })),
      createdAt: s.createdAt,
      lastError: s.lastError,
    }))
  }

  async get(name: string): Promise<LabState> {
    return this.must(name)
  }

  /** Wait for a lab's running job (tests, CLI). */
  async settled(name: string): Promise<void> {
    await this.active.get(name)
  }

  private async must(name: string): Promise<LabState> {
    const state = await (await this.env()).store.get(name)
    if (!state) throw new ApiError({ code: 'not-found', message: `no lab named ${name}` })
    return state
  }

  /** The controller's key into the added node, and the node's host key into the controller's known_hosts. */
  private async letControllerIn(env: LabEnv, state: LabState, job: JobHandle, node: string): Promise<void> {
    await job.start('trust')
    const files = env.store.files(state.definition.name)
    const ctrl = controllerOf(state).name
    const opts = { signal: job.signal, waitMs: 5 * 60_000 }
    const controller = await connectNode(files, state, ctrl, opts)
    try {
      const added = await connectNode(files, state, node, opts)
      try {
        await trustController(files, state, controller, [added])
      } finally {
        added.end()
      }
    } finally {
      controller.end()
    }
    await job.finish('trust', 'done', `ssh ${node} from ${ctrl} logs in as root`)
  }

  private execute(
    env: LabEnv,
    job: JobHandle,
    state: LabState,
    options: { only?: string[]; rootPassword?: string; join?: string; trust?: string },
  ): void {
    const rec = new Recorder(env, state)
    const name = state.definition.name
    const work = (async () => {
      try {
        state.ownerPid = process.pid
        await env.store.save(state)
        await runPipeline(env, rec, job, options)
        state.status = 'ready'
        state.lastError = null
        await env.store.save(state)
        if (options.trust) {
          // The VM is made and stays: a failure here fails the job with what to do, the lab ready.
          const node = options.trust
          const failed = await this.letControllerIn(env, state, job, node).then(
            () => null,
            (error: unknown) => error,
          )
          if (failed)
            return void (await job.end('failed', {
              message: `${node} was added, but the controller could not be let into it: ${messageOf(failed)}`,
              ...failureOf(failed),
            }))
        }
        if (options.join && this.joiner) {
          // The join ends the job itself (succeeded, failed with its reason, cancelled); the VM stays.
          await this.joiner(env, name, job, options.join).catch((error: unknown) =>
            job.end('failed', { message: messageOf(error), ...failureOf(error) }),
          )
          // It saved its run records on fresh copies of the state: carry on from those.
          Object.assign(state, (await env.store.get(name)) ?? {})
          return
        }
        await job.end('succeeded')
      } catch (error) {
        if (error instanceof Cancelled || job.signal.aborted) {
          // Cancel rolls back what this run made; a lab that then holds nothing is removed whole.
          await removeResources(env, state, rec.made).catch(() => undefined)
          if (options.only)
            state.definition = {
              ...state.definition,
              nodes: state.definition.nodes.filter((n) => !options.only!.includes(n.name)),
            }
          for (const n of options.only ?? []) delete state.nodes[n]
          const empty =
            !state.resources.domains.length &&
            !state.resources.networks.length &&
            !state.resources.disks.length
          if (empty && !options.only) await env.store.remove(name)
          else {
            state.status = options.only ? 'ready' : 'cancelled'
            state.stepsDone = state.stepsDone.filter((s) => !options.only || !s.includes(':'))
            await env.store.save(state)
          }
          await job.end('cancelled')
        } else {
          const message = messageOf(error)
          state.status = 'failed'
          state.lastError = message
          await env.store.save(state).catch(() => undefined)
          const fix = fixOf(error, name)
          await job.end('failed', { message, ...(fix ? { fix } : {}), ...failureOf(error) })
        }
      } finally {
        this.active.delete(name)
        if (state.ownerPid === process.pid && (await env.store.get(name).catch(() => null))) {
          state.ownerPid = null
          await env.store.save(state).catch(() => undefined)
        }
      }
    })()
    this.active.set(name, work)
  }
}

export interface LabIssue {
  path: string
  message: string
}

export interface LabVerdict {
  ok: boolean
  issues: LabIssue[]
  warnings: LabIssue[]
}

const asIssue = (i: RuleIssue): LabIssue => ({ path: pathText(i.path), message: i.message })

/**
 * The definition against the host now (libvirt asked): its networks, VM names and addresses, by the rules
 * the wizard checks its draft with. `owned` is what the lab made in an earlier run.
 */
async function hostIssues(env: LabEnv, lab: LabDefinition, owned: Owned): Promise<LabIssue[]> {
  return labHostIssues(lab, await readAll(env.virsh), owned).map(asIssue)
}

function messageOf(error: unknown): string {
  if (error instanceof ValidationError) return error.message
  if (error instanceof ExecError && error.kind === 'exit') {
    // The tool's own `program: error: ...` line says what went wrong better than the last lines of stderr.
    const said = /^[\w.-]+: error: .*$/m.exec(error.stderr)?.[0]
    if (said) return said
  }
  if (error instanceof LibvirtError || error instanceof ExecError || error instanceof PipelineError)
    return error.message
  return (error as Error)?.message ?? String(error)
}

/** The code and parameters of an engine failure, for a job's error the UI translates. */
function failureOf(error: unknown): { code?: FailureCode; params?: FailureParams } {
  return error instanceof EngineFailure ? { code: error.code, params: error.params } : {}
}

function fixOf(error: unknown, lab: string): string | undefined {
  if (error instanceof PipelineError && error.fix) return error.fix
  if (error instanceof ExecError) {
    const hint = explainBuilderError(error.stderr)
    if (hint) return hint
  }
  return `stacklab lab resume ${lab}`
}
