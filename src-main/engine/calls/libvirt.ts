// Calls on libvirt's own objects, on the settings' connection: the connection, domains, networks, each
// domain's snapshots and lab checkpoints (snapshots of several domains taken together).
import { vmDiskProblem } from '../lab/disks'
import { LabStore } from '../lab/store'
import { hostCapacity } from '../libvirt/capacity'
import * as checkpoint from '../libvirt/checkpoint'
import * as domain from '../libvirt/domain'
import * as network from '../libvirt/network'
import { readAll } from '../libvirt/refresh'
import * as snapshot from '../libvirt/snapshot'
import type { Virsh } from '../libvirt/virsh'
import { defaultImagesDir } from '../libvirt/uri'
import type { CallContext, CallsOf, Handlers } from './context'

type LibvirtCalls = Pick<
  Handlers,
  CallsOf<
    | 'libvirt.connection'
    | 'libvirt.capacity'
    | `domain${string}`
    | `network${string}`
    | `snapshot${string}`
    | `checkpoint${string}`
  >
>

export function libvirtHandlers(ctx: CallContext): LibvirtCalls {
  /** Run an action on a domain (or network), then answer with how it is now. */
  const onDomain = async (name: string, action: (v: Virsh) => Promise<unknown>) => {
    const v = await ctx.virsh()
    await action(v)
    return domain.domainGet(v, name)
  }
  const onNetwork = async (name: string, action: (v: Virsh) => Promise<unknown>) => {
    const v = await ctx.virsh()
    await action(v)
    return network.networkGet(v, name)
  }
  return {
    'libvirt.connection': async () => (await ctx.libvirt()).state(),
    'libvirt.capacity': async () => {
      const settings = await ctx.settings.get()
      return hostCapacity(await ctx.virsh(), settings.imagesDir || defaultImagesDir(settings.connectionUri))
    },
    'domains.list': async () => (await readAll(await ctx.virsh())).domains,
    'domain.get': async ({ name }) => domain.domainGet(await ctx.virsh(), name),
    'domain.start': ({ name }) => onDomain(name, (v) => domain.domainStart(v, name)),
    'domain.shutdown': async ({ name, timeoutMs, fallback }) => {
      const v = await ctx.virsh()
      const outcome = await domain.domainShutdown(v, name, { timeoutMs, fallback })
      return { outcome, domain: await domain.domainGet(v, name) }
    },
    'domain.forceOff': ({ name }) => onDomain(name, (v) => domain.domainForceOff(v, name)),
    'domain.reboot': ({ name }) => onDomain(name, (v) => domain.domainReboot(v, name)),
    'domain.pause': ({ name }) => onDomain(name, (v) => domain.domainPause(v, name)),
    'domain.resume': ({ name }) => onDomain(name, (v) => domain.domainResume(v, name)),
    'domain.delete': async ({ name, withDisks }) => {
      // Never a shared base image or another lab's disk with a VM (lab/disks.ts); of the rest, only what
      // Stacklab made (libvirt/disk-removal.ts).
      const settings = await ctx.settings.get()
      const imagesDir = settings.imagesDir || defaultImagesDir(settings.connectionUri)
      const labs = await new LabStore(ctx.paths.data).list()
      return domain.domainDelete(
        await ctx.virsh(),
        name,
        withDisks,
        (path) => madeByStacklab(ctx, path),
        (path) => vmDiskProblem(imagesDir, labs, name, path),
      )
    },
    'domain.setAutostart': ({ name, enabled }) =>
      onDomain(name, (v) => domain.domainSetAutostart(v, name, enabled)),
    'domain.xml': async ({ uuid }) => ({ xml: await domain.domainXmlText(await ctx.virsh(), uuid) }),

    'networks.list': async () => network.networkList(await ctx.virsh()),
    'network.create': async (input) => network.networkCreate(await ctx.virsh(), input),
    'network.start': ({ name }) => onNetwork(name, (v) => network.networkStart(v, name)),
    'network.stop': ({ name }) => onNetwork(name, (v) => network.networkStop(v, name)),
    'network.delete': async ({ name }) => {
      await network.networkDelete(await ctx.virsh(), name)
      return {}
    },
    'network.xml': async ({ uuid }) => ({ xml: await network.networkXmlText(await ctx.virsh(), uuid) }),
    'network.setAutostart': ({ name, enabled }) =>
      onNetwork(name, (v) => network.networkSetAutostart(v, name, enabled)),
    'network.setDhcpRange': async ({ name, range }) =>
      network.networkSetDhcpRange(await ctx.virsh(), name, range),
    'network.addStaticHost': async ({ name, host }) =>
      network.networkAddStaticHost(await ctx.virsh(), name, host),
    'network.removeStaticHost': async ({ name, mac }) =>
      network.networkRemoveStaticHost(await ctx.virsh(), name, mac),
    'network.leases': async ({ name }) => network.networkLeases(await ctx.virsh(), name),

    'snapshots.list': async ({ name }) => snapshot.snapshotList(await ctx.virsh(), name),
    'snapshot.support': async ({ name }) => snapshot.snapshotSupport(await ctx.virsh(), name),
    'snapshot.create': async ({ domain: d, name, description, kind }) =>
      snapshot.snapshotCreate(await ctx.virsh(), d, { name, description, kind }),
    'snapshot.revert': ({ domain: d, name, state }) =>
      onDomain(d, (v) => snapshot.snapshotRevert(v, d, name, state)),
    'snapshot.delete': async ({ domain: d, name }) => {
      await snapshot.snapshotDelete(await ctx.virsh(), d, name)
      return {}
    },
    'snapshot.xml': async ({ domain: d, name }) => ({
      xml: await snapshot.snapshotXmlText(await ctx.virsh(), d, name),
    }),
    'checkpoints.list': async ({ domains }) => checkpoint.checkpointList(await ctx.virsh(), domains),
    'checkpoint.create': async ({ domains, name, description }) =>
      checkpoint.checkpointCreate(await ctx.virsh(), domains, name, description),
    'checkpoint.restore': async ({ domains, name }) => {
      const restored = await checkpoint.checkpointRestore(await ctx.virsh(), domains, name)
      ctx.consoles.dropFor(domains, name)
      return restored
    },
    'checkpoint.delete': async ({ domains, name }) => {
      await checkpoint.checkpointDelete(await ctx.virsh(), domains, name)
      return {}
    },
  }
}

/** Whether Stacklab's lab records say it made this disk file (a lab's disks and its nodes' disks). */
async function madeByStacklab(ctx: CallContext, path: string): Promise<boolean> {
  const labs = await new LabStore(ctx.paths.data).list()
  return labs.some(
    (lab) => lab.resources.disks.includes(path) || Object.values(lab.nodes).some((n) => n.disk === path),
  )
}
