// Domains (VMs): read one, start, shut down (graceful with a timeout and a chosen fallback), force off, reboot,
// delete (with or without the disks it is safe to remove) or remove (disks left to the caller), autostart,
// define, raw XML. A domain is found by
// its exact name and then addressed by UUID, so any name libvirt allows works (see lookup.ts).
import { uriInfo } from './uri'
import type {
  DiskInfo,
  DomainDeleteResult,
  DomainInfo,
  DomainState,
  NetworkInfo,
} from '../../../src-shared/libvirt'
import { parseDomstats } from './assemble'
import { removeDisks, type MadeByStacklab } from './disk-removal'
import { parseDomainXml } from './domain-xml'
import { ApiError } from '../../../src-shared/errors'
import { LibvirtError } from './errors'
import { ValidationError } from './network'
import { domainUuid, sameUuid } from './lookup'
import { readDomain } from './refresh'
import { withTempFile } from './tempfile'
import type { Virsh } from './virsh'

/** One domain, read fresh (two virsh processes; one when the networks are already known). */
export async function domainGet(virsh: Virsh, name: string, networks?: NetworkInfo[]): Promise<DomainInfo> {
  return readDomain(virsh, { name }, networks ? { networks } : undefined)
}

/** The state of the domain with this UUID. */
export async function domainState(virsh: Virsh, uuid: string): Promise<DomainState> {
  const out = await virsh(['domstats', '--raw', '--state', uuid])
  return [...parseDomstats(out).values()][0]?.state ?? 'nostate'
}

/** The domain's XML as libvirt gives it (`virsh dumpxml`), by UUID: read-only, for the raw view. */
export async function domainXmlText(virsh: Virsh, uuid: string): Promise<string> {
  return sameUuid(await virsh(['dumpxml', '--domain', uuid]), uuid, 'Domain')
}

export async function domainDefine(virsh: Virsh, xml: string): Promise<void> {
  await withTempFile('domain.xml', xml, (file) => virsh(['define', file]))
}

/** Run one virsh command on the domain with this exact name (`--domain UUID`). */
async function onDomain(virsh: Virsh, name: string, command: string, ...rest: string[]): Promise<void> {
  await virsh([command, '--domain', await domainUuid(virsh, name), ...rest])
}

export async function domainStart(virsh: Virsh, name: string): Promise<void> {
  await onDomain(virsh, name, 'start')
}

export async function domainForceOff(virsh: Virsh, name: string): Promise<void> {
  await onDomain(virsh, name, 'destroy')
}

export async function domainReboot(virsh: Virsh, name: string): Promise<void> {
  await onDomain(virsh, name, 'reboot')
}

/**
 * Pause a running domain (`virsh suspend`: its vCPUs stop, its memory stays) or resume a paused one. The
 * state is checked first so a VM in the wrong state gets a sentence naming it and its state, not libvirt's
 * driver-specific words (the test driver says only "internal error"); nothing is changed then.
 */
export async function domainPause(virsh: Virsh, name: string): Promise<void> {
  await inState(virsh, name, 'running', 'pause', (uuid) => virsh(['suspend', '--domain', uuid]))
}

export async function domainResume(virsh: Virsh, name: string): Promise<void> {
  await inState(virsh, name, 'paused', 'resume', (uuid) => virsh(['resume', '--domain', uuid]))
}

async function inState(
  virsh: Virsh,
  name: string,
  wanted: DomainState,
  verb: string,
  action: (uuid: string) => Promise<unknown>,
): Promise<void> {
  const uuid = await domainUuid(virsh, name)
  const state = await domainState(virsh, uuid)
  if (state !== wanted) {
    // A libvirt failure of its own kind, so the UI says "not possible in this state" in the reader's language.
    const detail = `${name} is ${state}; only a ${wanted} VM can be ${verb === 'pause' ? 'paused' : 'resumed'}`
    throw new LibvirtError(
      'invalid-state',
      `Cannot ${verb} ${name}: ${detail}. Nothing was changed.`,
      detail,
      [],
    )
  }
  await action(uuid)
}

export async function domainSetAutostart(virsh: Virsh, name: string, enabled: boolean): Promise<void> {
  await onDomain(virsh, name, 'autostart', ...(enabled ? [] : ['--disable']))
}

export type ShutdownOutcome = 'shut-off' | 'forced-off' | 'still-running'

/**
 * Ask the guest to shut down (ACPI), wait up to `timeoutMs` for it to be off, then apply the fallback the
 * user chose: force it off, or leave it running and say so.
 */
export async function domainShutdown(
  virsh: Virsh,
  name: string,
  options: { timeoutMs: number; fallback: 'force' | 'leave'; pollMs?: number; signal?: AbortSignal },
): Promise<ShutdownOutcome> {
  const uuid = await domainUuid(virsh, name)
  if ((await domainState(virsh, uuid)) === 'shutoff') return 'shut-off'
  await virsh(['shutdown', '--domain', uuid])
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline) {
    if (options.signal?.aborted) throw new LibvirtError('cancelled', 'Shutdown cancelled', '', [])
    if ((await domainState(virsh, uuid)) === 'shutoff') return 'shut-off'
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500))
  }
  if (options.fallback === 'leave') return 'still-running'
  await virsh(['destroy', '--domain', uuid]).catch((e: unknown) => {
    if (!(e instanceof LibvirtError && e.kind === 'invalid-state')) throw e
  })
  return 'forced-off'
}

/**
 * Delete a domain: stop it, drop its snapshot metadata and undefine it; with `withDisks`, remove only what is
 * safe (disk-removal.ts): files Stacklab's records say it made, and pool volumes through libvirt's pool API.
 * Every other disk is listed as kept, with the reason.
 */
export async function domainDelete(
  virsh: Virsh,
  name: string,
  withDisks: boolean,
  madeByStacklab: MadeByStacklab,
  /** Why a disk file must not go with the VM (lab/disks.ts), or null; asked before anything is changed. */
  diskProblem: (path: string) => string | null = () => null,
): Promise<DomainDeleteResult> {
  const info = await domainGet(virsh, name)
  if (withDisks && info.problem)
    throw new ValidationError([
      {
        path: 'withDisks',
        message: `the disks of ${name} are not known (${info.problem.message}); delete it without its disks`,
      },
    ])
  // A running domain's next-boot definition may hold disks its live one does not (and the other way round).
  const disks = [...info.disks]
  if (withDisks && info.persistent && info.state !== 'shutoff') {
    const saved = parseDomainXml(await virsh(['dumpxml', '--domain', info.uuid, '--inactive'])).disks
    // The same disk in both: a volume by its pool and name (only the live one has its path resolved).
    const key = (d: DiskInfo) =>
      d.type === 'volume'
        ? `volume\u0000${d.pool}\u0000${d.volume}`
        : `${d.type}\u0000${d.source ?? ''}\u0000${d.protocol ?? ''}\u0000${d.name ?? ''}\u0000${d.detail ?? ''}`
    const known = new Set(disks.map(key))
    for (const d of saved) if (!known.has(key(d))) disks.push(d)
  }
  const refused = withDisks
    ? disks.flatMap((d) => (d.device === 'disk' && d.source ? (diskProblem(d.source) ?? []) : []))
    : []
  if (refused.length)
    throw new ApiError({ code: 'bad-request', message: `Nothing was changed: ${refused.join('; ')}` })
  await stopAndUndefine(virsh, info)
  if (!withDisks) return { removedDisks: [], keptDisks: [] }
  return removeDisks(virsh, disks, { madeByStacklab, local: !uriInfo(virsh.uri).remote })
}

/**
 * Remove a domain and leave its disks alone (the lab pipeline's rollback and delete remove the disk files
 * their records list themselves): stopped, then undefined with its snapshot metadata. A not-found
 * LibvirtError when no domain has this name.
 */
export async function domainRemove(virsh: Virsh, name: string): Promise<void> {
  await stopAndUndefine(virsh, await domainGet(virsh, name))
}

async function stopAndUndefine(virsh: Virsh, info: DomainInfo): Promise<void> {
  const uuid = info.uuid
  if (info.state !== 'shutoff') {
    await virsh(['destroy', '--domain', uuid]).catch((e: unknown) => {
      if (!(e instanceof LibvirtError && e.kind === 'invalid-state')) throw e
    })
  }
  // A transient domain is gone once stopped; a persistent one is undefined with its metadata.
  if (info.persistent) {
    await virsh(['undefine', '--domain', uuid, '--snapshots-metadata', '--managed-save', '--nvram']).catch(
      async (e: unknown) => {
        // Drivers without NVRAM or managed save support refuse those flags; retry with the essentials.
        if (
          e instanceof LibvirtError &&
          (e.kind === 'unsupported' || e.kind === 'other' || e.kind === 'invalid-state')
        ) {
          await virsh(['undefine', '--domain', uuid, '--snapshots-metadata'])
        } else throw e
      },
    )
  }
}
