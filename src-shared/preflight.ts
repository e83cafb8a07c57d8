// Host preflight: the shape of one check and of a whole report, shared by engine, hosts and UI.
import { z } from 'zod'
import { Said } from './preflight-says'

/** `skip`: not judged, because a check it depends on failed (see `blockedBy`); it neither passes nor fails. */
export const CheckStatus = z.enum(['ok', 'warn', 'fail', 'skip'])
export type CheckStatus = z.infer<typeof CheckStatus>

/** Stable identifiers, so tests and the UI can address one check (`#check-kvm-status`). */
export const CheckId = z.enum([
  'libvirt-connection',
  'libvirt-access',
  'kvm-device',
  'cpu-virt-flags',
  'nested-virt',
  'tools',
  'libguestfs-xfs',
  'disk-space',
  'memory',
  'default-network',
])
export type CheckId = z.infer<typeof CheckId>

export const PreflightCheck = z.object({
  id: CheckId,
  title: z.string(),
  status: CheckStatus,
  /** One line the user reads first. */
  summary: z.string(),
  /** What the check saw: file contents, command output, numbers. */
  evidence: z.array(z.string()),
  /** A command the user can copy to fix it (absent when nothing needs fixing or no command can). */
  fix: z.string().optional(),
  /** Advice that is not a command (firmware settings, lab sizes). */
  hint: z.string().optional(),
  /** The summary and hint as sentences by key (src-shared/preflight-says.ts), for the UI to translate. */
  says: z.object({ summary: z.array(Said).max(8), hint: z.array(Said).max(8) }).optional(),
  /** For a skipped check: the failed check it depends on (fix that one first). */
  blockedBy: CheckId.optional(),
  durationMs: z.number().nonnegative(),
})
export type PreflightCheck = z.infer<typeof PreflightCheck>

/** How guests will run on this host: hardware KVM, or QEMU software emulation (TCG). */
export const VirtType = z.enum(['kvm', 'qemu'])
export type VirtType = z.infer<typeof VirtType>

export const PreflightReport = z.object({
  uri: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  checks: z.array(PreflightCheck),
  counts: z.object({ ok: z.number(), warn: z.number(), fail: z.number(), skip: z.number() }),
  /** What labs created on this host will use. */
  virtType: VirtType,
  /** True when no check failed: a lab can be built (maybe slowly). */
  ready: z.boolean(),
})
export type PreflightReport = z.infer<typeof PreflightReport>

/** Titles in the order the UI lists checks; also the list of checks a run performs. */
export const CHECK_TITLES: Record<CheckId, string> = {
  'libvirt-connection': 'libvirt reachable',
  'libvirt-access': 'Permission to manage libvirt',
  'kvm-device': 'KVM acceleration (/dev/kvm)',
  'cpu-virt-flags': 'CPU virtualization flags (vmx/svm)',
  'nested-virt': 'Nested virtualization',
  tools: 'Required tools',
  'libguestfs-xfs': 'XFS support for libguestfs',
  'disk-space': 'Free disk in the images directory',
  memory: 'Free memory for the default lab',
  'default-network': "libvirt 'default' network",
}
export const CHECK_ORDER = CheckId.options
