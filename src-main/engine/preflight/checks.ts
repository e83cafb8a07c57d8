// The host checks of the seeds (files 001 and 002): which facts each one reads (facts.ts) and which verdict
// judges them (verdicts.ts). Facts several checks share (libvirt, the CPU) are read once per run.
import type { CheckId } from '../../../src-shared/preflight'
import { uriInfo } from '../libvirt/uri'
import {
  measureDisk,
  readGroups,
  readKvm,
  readMemory,
  readNested,
  readTools,
  readXfs,
  type CpuFacts,
  type LibvirtFacts,
} from './facts'
import type { Distro, HostView } from './host'
import {
  accessVerdict,
  connectionVerdict,
  cpuFlagsVerdict,
  defaultNetworkVerdict,
  diskVerdict,
  kvmVerdict,
  memoryVerdict,
  nestedVerdict,
  toolsVerdict,
  xfsVerdict,
  type CheckOutcome,
  type CheckTarget,
} from './verdicts'

export interface PreflightContext {
  uri: string
  host: HostView
  distro: Distro
  /** Directory lab disks go to; null when it cannot be checked from here (remote connection). */
  imagesDir: string | null
  libvirt: Promise<LibvirtFacts>
  cpu: Promise<CpuFacts>
}

const target = (ctx: PreflightContext): CheckTarget => ({
  uri: ctx.uri,
  uid: ctx.host.uid,
  user: ctx.host.user,
  distro: ctx.distro,
})

export const CHECKS: Record<CheckId, (ctx: PreflightContext) => Promise<CheckOutcome>> = {
  'libvirt-connection': async (ctx) => connectionVerdict(await ctx.libvirt, target(ctx)),
  'libvirt-access': async (ctx) => accessVerdict(await ctx.libvirt, await readGroups(ctx.host), target(ctx)),
  'kvm-device': async (ctx) => {
    const [libvirt, cpu, kvm] = await Promise.all([ctx.libvirt, ctx.cpu, readKvm(ctx.host)])
    return kvmVerdict(libvirt, cpu, kvm, target(ctx))
  },
  'cpu-virt-flags': async (ctx) => cpuFlagsVerdict(await ctx.cpu),
  'nested-virt': async (ctx) => {
    const cpu = await ctx.cpu
    return nestedVerdict(cpu, await readNested(ctx.host, cpu), target(ctx))
  },
  tools: async (ctx) => toolsVerdict(await readTools(ctx.host), target(ctx)),
  'libguestfs-xfs': async (ctx) => xfsVerdict(await readXfs(ctx.host), target(ctx)),
  'disk-space': async (ctx) =>
    diskVerdict(ctx.imagesDir ? await measureDisk(ctx.imagesDir) : null, target(ctx)),
  // A remote host's guests do not use this machine's memory: nothing is read then.
  memory: async (ctx) =>
    memoryVerdict(uriInfo(ctx.uri).remote ? null : await readMemory(ctx.host), target(ctx)),
  'default-network': async (ctx) => defaultNetworkVerdict(await ctx.libvirt, target(ctx)),
}
