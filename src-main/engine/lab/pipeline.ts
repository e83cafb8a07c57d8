// The lab pipeline: a lab definition to running, reachable nodes, as a job with named steps. State is saved
// after every step (resume after a crash starts after the last finished one); every resource is announced
// before it is made (write-ahead), so cancel, rollback and delete remove exactly what Stacklab made.
import { randomBytes } from 'node:crypto'
import { readdir, readFile, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { LabDefinition } from '../../../src-shared/lab'
import { PRESETS, nodeAddress, type LabState, type Preset } from '../../../src-shared/lab'
import { labHostNetworkIssues, pathText } from '../../../src-shared/lab-networks'
import type { Run } from '../exec'
import { Cancelled, type JobHandle } from '../jobs'
import type { Logger } from '../log'
import { checkpointCreate, checkpointList } from '../libvirt/checkpoint'
import { domainGet, domainRemove, domainStart } from '../libvirt/domain'
import { LibvirtError } from '../libvirt/errors'
import { networkCreate, networkDelete, networkList, networkStart, ValidationError } from '../libvirt/network'
import type { Virsh } from '../libvirt/virsh'
import type { HostView } from '../preflight/host'
import { runPreflight } from '../preflight/run'
import { createOverlay, exists, type TemplateSource } from '../provision/image'
import { baseRootPartition } from '../provision/guestfish'
import { registerSecret } from '../secrets'
import { sshExec, waitForSsh } from '../ssh/client'
import {
  nodeBase,
  nodesCustomize,
  nodeDefine,
  nodeDiskPath,
  domainName,
  labLoginKey,
  rootPasswordFile,
  type NodeContext,
} from './provision-node'
import type { LabStore } from './store'
import { diskPathProblem, ForeignDiskError, present, recordsDisk } from './disks'

export const PIPELINE_STEPS = [
  { id: 'preflight', title: 'Check the host' },
  { id: 'networks', title: 'Networks' },
  { id: 'base-image', title: 'Base image' },
  { id: 'disks', title: 'Node disks' },
  { id: 'customise', title: 'Node customisation' },
  { id: 'define', title: 'VM definitions' },
  { id: 'boot', title: 'Boot' },
  { id: 'ssh', title: 'Reachable over SSH' },
  { id: 'checkpoint', title: 'First checkpoint "fresh"' },
] as const
export type StepId = (typeof PIPELINE_STEPS)[number]['id']

/** Steps that verify live state, so they run again on a resume (they do nothing when all is well). */
const RECHECKED = new Set<StepId>(['boot', 'ssh'])

export interface LabEnv {
  run: Run
  virsh: Virsh
  store: LabStore
  logger: Logger
  host: HostView
  imagesDir: string
  source: TemplateSource
  /** How long to wait for a node to answer SSH after boot (software emulation is slow). */
  sshTimeoutMs?: number
}

export function presetOf(state: LabState): Preset {
  const preset = PRESETS.find((p) => p.id === state.definition.preset)
  if (!preset)
    throw new ValidationError([{ path: 'preset', message: `unknown preset ${state.definition.preset}` }])
  return preset
}

/** A new lab's state, before anything is made. */
export function newLabState(definition: LabDefinition, virtType: 'kvm' | 'qemu'): LabState {
  return {
    version: 1,
    definition,
    status: 'creating',
    createdAt: new Date().toISOString(),
    stepsDone: [],
    resources: { networks: [], domains: [], disks: [], intents: [] },
    nodes: {},
    virtType,
    loginKeyFingerprint: null,
    lastError: null,
    ownerPid: null,
  }
}

export class Recorder {
  /** What this run announced or made: cancel rolls back exactly these. */
  readonly made: LabState['resources']['intents'] = []
  constructor(
    private readonly env: LabEnv,
    readonly state: LabState,
  ) {}
  save(): Promise<void> {
    return this.env.store.save(this.state)
  }
  async intend(kind: 'network' | 'domain' | 'disk', name: string): Promise<void> {
    const r = this.state.resources
    if (!r.intents.some((i) => i.kind === kind && i.name === name)) r.intents.push({ kind, name })
    this.made.push({ kind, name })
    await this.save()
  }
  /** An announced resource that was not made after all (someone else's file was already there). */
  async drop(kind: 'network' | 'domain' | 'disk', name: string): Promise<void> {
    const r = this.state.resources
    r.intents = r.intents.filter((i) => !(i.kind === kind && i.name === name))
    this.made.splice(0, this.made.length, ...this.made.filter((i) => !(i.kind === kind && i.name === name)))
    await this.save()
  }
  async confirm(kind: 'network' | 'domain' | 'disk', name: string): Promise<void> {
    const r = this.state.resources
    const list = kind === 'network' ? r.networks : kind === 'domain' ? r.domains : r.disks
    if (!list.includes(name)) list.push(name)
    r.intents = r.intents.filter((i) => !(i.kind === kind && i.name === name))
    await this.save()
  }
}

function nodeCtx(
  env: LabEnv,
  state: LabState,
  signal: AbortSignal,
  onStep?: (node: string, s: string) => void,
): NodeContext {
  return {
    run: env.run,
    virsh: env.virsh,
    lab: state.definition,
    preset: presetOf(state),
    virtType: state.virtType,
    imagesDir: env.imagesDir,
    files: env.store.files(state.definition.name),
    source: env.source,
    signal,
    ...(onStep ? { onStep } : {}),
  }
}

async function passwordFileOf(env: LabEnv, state: LabState, given?: string): Promise<string> {
  const files = env.store.files(state.definition.name)
  if (await exists(files.rootPassword)) {
    registerSecret((await readFile(files.rootPassword, 'utf8')).trim())
    return files.rootPassword
  }
  // Random unless the user set one; kept only in a 0600 file the tools read.
  return rootPasswordFile(files, given ?? randomBytes(15).toString('base64url'))
}

async function storeInKeyring(env: LabEnv, lab: string, passwordFile: string): Promise<boolean> {
  // The desktop keyring, where there is one (secret-tool reads the secret from stdin).
  try {
    await env.run(
      'secret-tool',
      ['store', '--label', `Stacklab lab ${lab} root password`, 'application', 'stacklab', 'lab', lab],
      {
        stdin: (await readFile(passwordFile, 'utf8')).trim(),
        timeoutMs: 5000,
      },
    )
    return true
  } catch {
    return false
  }
}

/** Run (or resume) the pipeline for every node of the lab, or only `only` nodes (adding a node). */
export async function runPipeline(
  env: LabEnv,
  rec: Recorder,
  job: JobHandle,
  options: { only?: string[]; rootPassword?: string } = {},
): Promise<void> {
  const state = rec.state
  const lab = state.definition
  const nodes = lab.nodes.filter((n) => !options.only || options.only.includes(n.name))
  const stepKey = (id: StepId) => (options.only ? `${id}:${options.only.join(',')}` : id)
  let currentStep: StepId = 'preflight'
  const ctx = () =>
    nodeCtx(env, state, job.signal, (node, s) => void job.detail(currentStep, `${node}: ${s}`))
  const passwordFile = await passwordFileOf(env, state, options.rootPassword)

  const impl: Record<StepId, () => Promise<void>> = {
    preflight: async () => {
      const report = await runPreflight({
        uri: env.virsh.uri,
        run: env.run,
        host: env.host,
        imagesDir: env.imagesDir,
      })
      // Guests use KVM (with host CPU passthrough) where it works, QEMU software emulation where it does not.
      state.virtType = report.virtType
      const failed = report.checks.filter((c) => c.status === 'fail')
      if (failed.length) {
        throw new PipelineError(
          `The host is not ready: ${failed.map((c) => `${c.title}: ${c.summary}`).join('; ')}`,
          failed[0]?.fix,
        )
      }
    },
    networks: async () => {
      const existing = await networkList(env.virsh)
      // The same checks `lab validate` makes against the host (the host may have changed since).
      const clashes = labHostNetworkIssues(lab, existing, state.resources.networks)
      if (clashes.length) {
        const noDefault = lab.networks.some(
          (n) => n.mode === 'nat' && n.name === 'default' && !existing.some((e) => e.name === 'default'),
        )
        throw new PipelineError(
          clashes.map((c) => `${pathText(c.path)}: ${c.message}`).join('; '),
          noDefault
            ? 'virsh net-define /usr/share/libvirt/networks/default.xml && virsh net-start default'
            : undefined,
        )
      }
      for (const net of lab.networks) {
        job.throwIfCancelled()
        const found = existing.find((n) => n.name === net.name)
        if (net.mode === 'nat') {
          if (found && !found.active) await networkStart(env.virsh, net.name)
          continue
        }
        if (found) continue // this lab's own, made by an earlier run (checked above)
        await rec.intend('network', net.name)
        await networkCreate(env.virsh, {
          name: net.name,
          mode: 'isolated',
          subnet: net.subnet,
          gateway: net.gateway,
          dhcp: net.dhcp,
          staticHosts: [],
          autostart: true,
        })
        await rec.confirm('network', net.name)
      }
    },
    'base-image': async () => {
      for (const node of nodes) {
        job.throwIfCancelled()
        // Inspected once per base (kept beside it), so customisation knows where each disk's root is.
        await baseRootPartition(env.run, await nodeBase(ctx(), node), {
          virtType: state.virtType,
          signal: job.signal,
        })
      }
    },
    disks: async () => {
      for (const node of nodes) {
        job.throwIfCancelled()
        const disk = nodeDiskPath(ctx(), node)
        // A file at the path that the lab's records do not list is someone else's: never overwritten.
        const ours = recordsDisk(state, disk)
        if (!ours && (await present(disk))) throw foreignDisk(disk)
        await rec.intend('disk', disk)
        // A disk left by an interrupted run is ours (announced before it was made): start it afresh.
        if (ours) await rm(disk, { force: true })
        try {
          await createOverlay(env.run, await nodeBase(ctx(), node), disk, node.diskGiB)
        } catch (error) {
          if (!(error instanceof ForeignDiskError)) throw error
          await rec.drop('disk', disk) // appeared meanwhile: not ours, so rollback must not remove it
          throw foreignDisk(disk)
        }
        await rec.confirm('disk', disk)
      }
    },
    customise: async () => {
      // Every node disk in one libguestfs appliance where the base allows it (see nodesCustomize).
      job.throwIfCancelled()
      await job.detail('customise', nodes.map((n) => n.name).join(', '))
      await nodesCustomize(ctx(), nodes, passwordFile, async ({ node, hostKey, loginKey, macs }) => {
        await job.detail('customise', `${node.name} done`)
        state.loginKeyFingerprint = loginKey.fingerprint
        state.nodes[node.name] = {
          domain: domainName(lab, node),
          disk: nodeDiskPath(ctx(), node),
          macs,
          address: nodeAddress(node),
          hostKeyFingerprint: hostKey.fingerprint,
        }
        await rec.save()
      })
      await storeInKeyring(env, lab.name, passwordFile)
    },
    define: async () => {
      for (const node of nodes) {
        job.throwIfCancelled()
        const name = domainName(lab, node)
        await rec.intend('domain', name)
        const already = await domainGet(env.virsh, name).catch(() => null)
        if (!already) await nodeDefine(ctx(), node, state.nodes[node.name]!.macs)
        await rec.confirm('domain', name)
      }
    },
    boot: async () => {
      for (const node of nodes) {
        job.throwIfCancelled()
        const info = await domainGet(env.virsh, domainName(lab, node))
        if (info.state !== 'running') await domainStart(env.virsh, info.name)
      }
    },
    ssh: async () => {
      const key = await readFile((await labLoginKey(ctx())).private)
      await Promise.all(
        nodes.map(async (node) => {
          const s = state.nodes[node.name]!
          const client = await waitForSsh(
            { host: s.address, username: 'root', privateKey: key, fingerprint: s.hostKeyFingerprint },
            { timeoutMs: env.sshTimeoutMs ?? 15 * 60_000, intervalMs: 1000, signal: job.signal },
          )
          // Nodes made earlier learn the new ones' names (adding a compute node later).
          if (options.only) {
            for (const other of lab.nodes.filter((n) => !options.only!.includes(n.name))) {
              const o = state.nodes[other.name]
              if (!o) continue
              const peer = await waitForSsh(
                { host: o.address, username: 'root', privateKey: key, fingerprint: o.hostKeyFingerprint },
                { timeoutMs: 60_000, signal: job.signal },
              )
              await sshExec(
                peer,
                `grep -q ' ${node.name}.${lab.domain} ' /etc/hosts || echo '${nodeAddress(node)} ${node.name}.${lab.domain} ${node.name}' >> /etc/hosts`,
              )
              peer.end()
            }
          }
          client.end()
        }),
      )
    },
    checkpoint: async () => {
      const domains = lab.nodes.map((n) => domainName(lab, n))
      if (options.only) return // a checkpoint of the whole lab is the user's call once the new node is in
      const present = await checkpointList(env.virsh, domains)
      if (!present.some((c) => c.name === 'fresh'))
        await checkpointCreate(
          env.virsh,
          domains,
          'fresh',
          'Stacklab: nodes booted and reachable, before any install',
        )
    },
  }

  for (const step of PIPELINE_STEPS) {
    currentStep = step.id
    // Boot and SSH are checked again even when done before: a VM can be off by now (a crash, a reboot).
    if (state.stepsDone.includes(stepKey(step.id)) && !RECHECKED.has(step.id)) {
      await job.finish(step.id, 'skipped', 'finished before')
      continue
    }
    await job.start(step.id)
    await impl[step.id]()
    state.stepsDone.push(stepKey(step.id))
    await rec.save()
    await job.finish(step.id)
  }
}

function foreignDisk(path: string): PipelineError {
  return new PipelineError(
    `${path} already exists and this lab did not make it: Stacklab never overwrites a file it did not make`,
    'Move that file elsewhere (or delete it if it is not needed), or give the lab another name, then create it again',
  )
}

export class PipelineError extends Error {
  constructor(
    message: string,
    readonly fix: string | undefined,
  ) {
    super(message)
    this.name = 'PipelineError'
  }
}

/**
 * Remove resources: everything the lab state lists (delete), or only what one run made (rollback).
 * Only names Stacklab announced are touched; the `default` network and the shared base images never are.
 */
export async function removeResources(
  env: LabEnv,
  state: LabState,
  only?: LabState['resources']['intents'],
): Promise<string[]> {
  const r = state.resources
  const pick = (kind: 'network' | 'domain' | 'disk', confirmed: string[]) => {
    const all = [...confirmed, ...r.intents.filter((i) => i.kind === kind).map((i) => i.name)]
    const chosen = only ? all.filter((n) => only.some((o) => o.kind === kind && o.name === n)) : all
    return [...new Set(chosen)]
  }
  // Disks first checked, before anything is removed: only files the records list, in the lab's own folder.
  const disks = pick('disk', r.disks)
  const problems = disks
    .map((path) => diskPathProblem(env.imagesDir, state.definition.name, path))
    .filter((p): p is string => p !== null)
  if (problems.length) throw new PipelineError(`Nothing was removed: ${problems.join('; ')}`, undefined)
  const removed: string[] = []
  for (const name of pick('domain', r.domains)) {
    try {
      await domainRemove(env.virsh, name)
      removed.push(`domain ${name}`)
    } catch (error) {
      if (!(error instanceof LibvirtError && error.kind === 'not-found')) throw error
    }
    r.domains = r.domains.filter((d) => d !== name)
    r.intents = r.intents.filter((i) => !(i.kind === 'domain' && i.name === name))
    await env.store.save(state)
  }
  for (const name of pick('network', r.networks)) {
    if (name === 'default') continue
    try {
      await networkDelete(env.virsh, name)
      removed.push(`network ${name}`)
    } catch (error) {
      if (!(error instanceof LibvirtError && error.kind === 'not-found')) throw error
    }
    r.networks = r.networks.filter((d) => d !== name)
    r.intents = r.intents.filter((i) => !(i.kind === 'network' && i.name === name))
    await env.store.save(state)
  }
  for (const path of disks) {
    if (await exists(path)) {
      await rm(path, { force: true })
      removed.push(`disk ${path}`)
    }
    r.disks = r.disks.filter((d) => d !== path)
    r.intents = r.intents.filter((i) => !(i.kind === 'disk' && i.name === path))
    await env.store.save(state)
  }
  await rmdir(join(env.imagesDir, state.definition.name)).catch(() => undefined)
  return removed
}

const TOOLS = new Set([
  'virt-builder',
  'virt-customize',
  'virt-resize',
  'guestfish',
  'qemu-img',
  'ssh-keygen',
  'supermin',
])

/**
 * Is this process (its NUL-split command line) a tool working on one of `marks` (the lab's paths)? Only the
 * tools the pipeline starts and libguestfs's own appliance count; the lab's VMs (QEMU run by libvirt,
 * `-name guest=...`) never do.
 */
export function isLeftoverTool(argv: string[], marks: string[]): boolean {
  if (!argv.length || !marks.some((m) => argv.some((a) => a.includes(m)))) return false
  const program = (argv[0] ?? '').split('/').pop() ?? ''
  if (TOOLS.has(program)) return true
  // Perl/OCaml tools can show up under their interpreter; the appliance is QEMU with guestfs's kernel.
  if (/^qemu-system/.test(program))
    return !argv.some((a) => a.startsWith('guest=')) && argv.some((a) => a.includes('guestfs'))
  return argv.slice(1, 3).some((a) => TOOLS.has(a.split('/').pop() ?? ''))
}

/**
 * After a crash, tools the dead engine started (virt-builder, virt-customize and their appliances) may still
 * be working on this lab's files. Stop them before a resume or delete touches the same files.
 */
export async function stopLeftovers(env: LabEnv, lab: string): Promise<number[]> {
  const marks = [`${join(env.imagesDir, lab)}/`, `${env.store.files(lab).dir}/`]
  const found: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (isLeftoverTool(cmdline.split('\0').filter(Boolean), marks)) found.push(pid)
  }
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of found) {
      try {
        process.kill(pid, sig)
      } catch {
        /* already gone */
      }
    }
  }
  if (found.length) {
    env.logger.log('warn', 'stopping tools left running by an earlier run', { lab, pids: found })
    signal('SIGTERM')
    await new Promise((r) => setTimeout(r, 2000))
    signal('SIGKILL')
    await new Promise((r) => setTimeout(r, 200))
  }
  return found
}

export { Cancelled }
