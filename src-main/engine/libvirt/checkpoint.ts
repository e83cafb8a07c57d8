// Lab checkpoints: one named checkpoint across all VMs of a lab. Taken consistently (pause every running VM,
// snapshot each, resume), restored as one action (revert each paused, then resume together), listed as one
// entry. The members and their states are recorded in each snapshot's description.
import type { Checkpoint, DomainState } from '../../../src-shared/libvirt'
import { virshBatch } from './batch'
import { parseDomstats } from './assemble'
import { DOMAIN_NAMES, parseUuidNames } from './lookup'
import { LibvirtError } from './errors'
import { ValidationError } from './network'
import { snapshotListMany, snapshotSupport } from './snapshot'
import type { Virsh } from './virsh'

const MARK = 'stacklab-checkpoint '

interface Meta {
  description: string
  createdAt: string
  members: { domain: string; state: string }[]
}

function encode(meta: Meta): string {
  return MARK + JSON.stringify(meta)
}

/** A checkpoint's record from a snapshot description; anything else (another tool's text) is not one. */
function decode(description: string): Meta | null {
  if (!description.startsWith(MARK)) return null
  try {
    const meta = JSON.parse(description.slice(MARK.length)) as Partial<Meta> | null
    const ok =
      !!meta &&
      typeof meta.description === 'string' &&
      typeof meta.createdAt === 'string' &&
      Array.isArray(meta.members) &&
      meta.members.every((m) => !!m && typeof m.domain === 'string' && typeof m.state === 'string')
    return ok ? (meta as Meta) : null
  } catch {
    return null
  }
}

/** Each domain's state and UUID (the UUID is what virsh gets: any name works, see lookup.ts). */
async function states(
  virsh: Virsh,
  domains: string[],
): Promise<{ state: Map<string, DomainState>; uuid: Map<string, string> }> {
  // All domains, then pick: domstats with an unknown name fails as a whole.
  const [out, names] = await virshBatch(virsh, [['domstats', '--raw', '--state'], DOMAIN_NAMES])
  const stats = parseDomstats(out ?? '')
  const uuid = new Map(parseUuidNames(names).map((r) => [r.name, r.uuid]))
  const missing = domains.filter((d) => !stats.has(d) || !uuid.has(d))
  if (missing.length)
    throw new ValidationError(missing.map((d) => ({ path: 'domains', message: `no domain named ${d}` })))
  return { state: new Map([...stats].map(([k, v]) => [k, v.state])), uuid }
}

const live = (s: string | undefined) => s === 'running' || s === 'blocked'

export async function checkpointList(virsh: Virsh, domains: string[]): Promise<Checkpoint[]> {
  const trees = await snapshotListMany(virsh, domains)
  const byName = new Map<string, { meta: Meta; have: Set<string> }>()
  for (const [domain, snaps] of trees) {
    for (const s of snaps) {
      const meta = decode(s.description)
      if (!meta) continue
      const entry = byName.get(s.name) ?? { meta, have: new Set<string>() }
      entry.have.add(domain)
      byName.set(s.name, entry)
    }
  }
  return [...byName]
    .map(([name, { meta, have }]) => ({
      name,
      description: meta.description,
      createdAt: meta.createdAt,
      members: meta.members,
      complete: meta.members.every((m) => have.has(m.domain)),
    }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
}

export async function checkpointCreate(
  virsh: Virsh,
  domains: string[],
  name: string,
  description: string,
): Promise<Checkpoint> {
  const { state: before, uuid } = await states(virsh, domains)
  const id = (d: string) => uuid.get(d)!
  const existing = await snapshotListMany(virsh, domains)
  const clash = domains.filter((d) => existing.get(d)?.some((s) => s.name === name))
  if (clash.length)
    throw new ValidationError([
      { path: 'name', message: `${clash.join(', ')} already has a snapshot named ${name}` },
    ])
  for (const d of domains) {
    const support = await snapshotSupport(virsh, d)
    if (!support.internal.supported)
      throw new ValidationError([{ path: 'domains', message: `${d}: ${support.internal.reason}` }])
  }
  const meta: Meta = {
    description,
    createdAt: new Date().toISOString(),
    members: domains.map((d) => ({ domain: d, state: before.get(d)! })),
  }
  const paused: string[] = []
  const created: string[] = []
  try {
    // Pause every running VM first so all snapshots show the lab at one moment.
    for (const d of domains) {
      if (live(before.get(d))) {
        await virsh(['suspend', '--domain', id(d)])
        paused.push(d)
      }
    }
    for (const d of domains) {
      await virsh(
        ['snapshot-create-as', '--domain', id(d), '--name', name, '--description', encode(meta), '--atomic'],
        { timeoutMs: 10 * 60_000 },
      )
      created.push(d)
    }
  } catch (error) {
    for (const d of created)
      await virsh(['snapshot-delete', '--domain', id(d), '--snapshotname', name]).catch(() => undefined)
    throw error
  } finally {
    for (const d of paused) await virsh(['resume', '--domain', id(d)]).catch(() => undefined)
  }
  return { name, description, createdAt: meta.createdAt, members: meta.members, complete: true }
}

export async function checkpointRestore(virsh: Virsh, domains: string[], name: string): Promise<Checkpoint> {
  const checkpoint = (await checkpointList(virsh, domains)).find((c) => c.name === name)
  if (!checkpoint) throw new ValidationError([{ path: 'name', message: `no checkpoint named ${name}` }])
  if (!checkpoint.complete) {
    throw new LibvirtError(
      'invalid-state',
      `checkpoint ${name} is incomplete: a member VM lost its snapshot`,
      '',
      [],
    )
  }
  const { uuid } = await states(
    virsh,
    checkpoint.members.map((m) => m.domain),
  )
  // Revert every VM paused, then resume the ones that were running together.
  for (const m of checkpoint.members) {
    const wasLive = live(m.state) || m.state === 'paused'
    await virsh(
      [
        'snapshot-revert',
        '--domain',
        uuid.get(m.domain)!,
        '--snapshotname',
        name,
        ...(wasLive ? ['--paused'] : []),
      ],
      { timeoutMs: 10 * 60_000 },
    )
  }
  for (const m of checkpoint.members)
    if (live(m.state)) await virsh(['resume', '--domain', uuid.get(m.domain)!])
  return checkpoint
}

export async function checkpointDelete(virsh: Virsh, domains: string[], name: string): Promise<void> {
  const checkpoint = (await checkpointList(virsh, domains)).find((c) => c.name === name)
  if (!checkpoint) throw new ValidationError([{ path: 'name', message: `no checkpoint named ${name}` }])
  const trees = await snapshotListMany(
    virsh,
    checkpoint.members.map((m) => m.domain),
  )
  const { uuid } = await states(virsh, [...trees.keys()])
  for (const m of checkpoint.members) {
    if (trees.get(m.domain)?.some((s) => s.name === name))
      await virsh(['snapshot-delete', '--domain', uuid.get(m.domain)!, '--snapshotname', name], {
        timeoutMs: 10 * 60_000,
      })
  }
}
