// What each step of the lab pipeline does (pipeline.ts runs them in order, saves the state between them and
// skips the ones a resume finds done). Every resource is announced in the journal before it is made.
import { readFile, rm } from 'node:fs/promises'
import type { NodeDef } from '../../../src-shared/lab'
import { nodeAddress, type LabState } from '../../../src-shared/lab'
import { labHostNetworkIssues, pathText } from '../../../src-shared/lab-networks'
import type { JobHandle } from '../jobs'
import { checkpointCreate, checkpointList } from '../libvirt/checkpoint'
import { domainGet, domainStart } from '../libvirt/domain'
import { networkCreate, networkList, networkStart } from '../libvirt/network'
import { runPreflight } from '../preflight/run'
import { createBlankDisk, createOverlay } from '../provision/image'
import { resolveSha256 } from '../provision/cloud-image'
import { DownloadError } from '../provision/download'
import { sshExec, waitForSsh } from '../ssh/client'
import { ForeignDiskError, present, recordsDisk } from './disks'
import { PipelineError, presetOf, type LabEnv } from './env'
import type { Recorder } from './journal'
import type { StepId } from './pipeline'
import {
  nodeBase,
  nodesCustomize,
  nodeDefine,
  nodeDiskPath,
  nodeDataDiskPath,
  domainName,
  labLoginKey,
  type NodeContext,
} from './provision-node'
import { storeInKeyring } from './root-password'

export function nodeCtx(
  env: LabEnv,
  state: LabState,
  signal: AbortSignal,
  onStep?: (node: string, s: string, tick?: boolean) => void,
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
    imageSha256: state.baseImage?.sha256,
    signal,
    ...(onStep ? { onStep } : {}),
  }
}

export interface StepsInput {
  env: LabEnv
  rec: Recorder
  job: JobHandle
  /** The nodes this run makes: every node, or only the ones being added. */
  nodes: NodeDef[]
  /** Set when adding nodes to a lab that has others. */
  only: string[] | undefined
  passwordFile: string
  /** A node context whose progress lines go to the running step. */
  ctx: () => NodeContext
}

/** The work of every step, for one run of the pipeline. */
export function pipelineSteps(input: StepsInput): Record<StepId, () => Promise<void>> {
  const { env, rec, job, nodes, passwordFile, ctx } = input
  const state: LabState = rec.state
  const lab = state.definition
  const options = { only: input.only }
  return {
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
          { reason: 'host-not-ready', checks: failed.map((c) => c.title).join(', ') },
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
          {
            reason: 'network-clash',
            issues: clashes.map((c) => `${pathText(c.path)}: ${c.message}`).join('; '),
          },
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
      // A cloud image's checksum is read once and kept: every node of the lab, also one added later, is
      // built on the same image even after its checksum file's "latest" entry has moved on.
      if (lab.image && !state.baseImage) {
        const sha256 = await resolveSha256(lab.image, { signal: job.signal }).catch((error: unknown) => {
          if (error instanceof DownloadError)
            throw new PipelineError(error.message, error.fix || undefined, {
              reason: 'cloud-image',
              problem: error.message,
            })
          throw error
        })
        state.baseImage = { sha256 }
        await rec.save()
      }
      for (const node of nodes) {
        job.throwIfCancelled()
        // Built and inspected once per template (kept beside it), so customisation knows where each
        // disk's root is and how to grow it to the node's size.
        await nodeBase(ctx(), node)
      }
    },
    disks: async () => {
      const make = async (disk: string, create: () => Promise<void>) => {
        // A file at the path that the lab's records do not list is someone else's: never overwritten.
        const ours = recordsDisk(state, disk)
        if (!ours && (await present(disk))) throw foreignDisk(disk)
        await rec.intend('disk', disk)
        // A disk left by an interrupted run is ours (announced before it was made): start it afresh.
        if (ours) await rm(disk, { force: true })
        try {
          await create()
        } catch (error) {
          if (!(error instanceof ForeignDiskError)) throw error
          await rec.drop('disk', disk) // appeared meanwhile: not ours, so rollback must not remove it
          throw foreignDisk(disk)
        }
        await rec.confirm('disk', disk)
      }
      for (const node of nodes) {
        job.throwIfCancelled()
        const disk = nodeDiskPath(ctx(), node)
        const base = (await nodeBase(ctx(), node)).path
        await make(disk, () => createOverlay(env.run, base, disk, node.diskGiB))
        const data = nodeDataDiskPath(ctx(), node)
        if (data) await make(data, () => createBlankDisk(env.run, data, node.dataDiskGiB!))
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
}

function foreignDisk(path: string): PipelineError {
  return new PipelineError(
    `${path} already exists and this lab did not make it: Stacklab never overwrites a file it did not make`,
    'Move that file elsewhere (or delete it if it is not needed), or give the lab another name, then create it again',
    { reason: 'foreign-disk', path },
  )
}
