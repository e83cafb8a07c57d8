// The journal of what a lab made: every resource announced before it is made (write-ahead) and confirmed
// after, saved with the lab's state, so cancel, rollback and delete remove exactly what Stacklab made and
// nothing else.
import { rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { LabDefinition, LabState } from '../../../src-shared/lab'
import { domainRemove } from '../libvirt/domain'
import { LibvirtError } from '../libvirt/errors'
import { networkDelete } from '../libvirt/network'
import { exists } from '../provision/image'
import { diskPathProblem } from './disks'
import { PipelineError, type LabEnv } from './env'

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
  if (problems.length)
    throw new PipelineError(`Nothing was removed: ${problems.join('; ')}`, undefined, {
      reason: 'nothing-removed',
      problems: problems.join('; '),
    })
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
