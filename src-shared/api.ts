// LabApi: the one contract between the UI (or any client) and the engine.
// Each call has a zod schema for its input and output; each event a schema for its payload.
// Hosts (Electron IPC, browser WebSocket, CLI) carry calls and events; they add no methods of their own.
import { z } from 'zod'
import { PreflightCheck, PreflightReport, CheckId } from './preflight'
import { ConnectionUri, Settings, SettingsUpdate } from './settings'
import { ConfirmRisks } from './trust'
import { Job } from './jobs'
import { LabDefinition, LabState, LabSummary, NodeDef } from './lab'
import { ResourceName } from './names'
import { InstallRun, LabStatusReport, StagesState } from './install'
import { AnswerFields, AnswerProblem, PackstackReport } from './packstack'
import type { ApiErrorShape } from './errors'
import {
  ConsoleAckInput,
  ConsoleDataEvent,
  ConsoleExitEvent,
  ConsoleIdInput,
  ConsoleInfo,
  ConsoleOpenInput,
  ConsoleResizeInput,
  ConsoleWriteInput,
} from './console'
import {
  AutostartInput,
  Checkpoint,
  CheckpointCreateInput,
  CheckpointRefInput,
  CheckpointScopeInput,
  ConnectionState,
  DomainDeleteInput,
  DomainDeleteResult,
  DomainInfo,
  DomainNameInput,
  DomainShutdownInput,
  HostCapacity,
  LabPowerInput,
  LabPowerResult,
  Lease,
  NetworkCreateInput,
  NetworkDhcpInput,
  NetworkHostInput,
  NetworkHostRemoveInput,
  NetworkInfo,
  NetworkNameInput,
  SnapshotCreateInput,
  SnapshotNode,
  SnapshotRefInput,
  SnapshotRevertInput,
  SnapshotSupport,
  SnapshotXmlInput,
  UuidInput,
} from './libvirt'
import {
  CheckReport,
  LabLessonInput,
  LabTaskInput,
  Lesson,
  LessonCheckInput,
  LessonProgress,
  LessonRefInput,
  LessonSummary,
  Text,
} from './lesson'

/** A call's input, serialised as JSON, may not exceed this. Bigger inputs are refused with `too-large`. */
export const MAX_INPUT_BYTES = 256 * 1024

const NoInput = z.object({}).strict()

export const HostKind = z.enum(['electron', 'browser', 'cli'])
export type HostKind = z.infer<typeof HostKind>

export const AppInfo = z.object({
  version: z.string(),
  host: HostKind,
  platform: z.string(),
  paths: z.object({
    config: z.string(),
    data: z.string(),
    state: z.string(),
    cache: z.string(),
    log: z.string(),
  }),
})
export type AppInfo = z.infer<typeof AppInfo>

export const calls = {
  'app.info': { input: NoInput, output: AppInfo },
  'settings.get': { input: NoInput, output: Settings },
  /** From the browser host, a change that lowers trust needs its risks named in `confirmRisks`. */
  'settings.update': { input: SettingsUpdate, output: Settings },
  /**
   * Run every host check against `uri` (default: the settings' connection). Streams `preflight.*` events.
   * From the browser host, a remote `uri` needs its risks named in `confirmRisks`.
   */
  'preflight.run': {
    input: z.object({ uri: ConnectionUri.optional(), confirmRisks: ConfirmRisks.optional() }).strict(),
    output: PreflightReport,
  },
  /** The report of the last finished run in this engine, or null. */
  'preflight.last': { input: NoInput, output: PreflightReport.nullable() },
  /**
   * Whether libvirt answers at `uri`, judged as preflight's connection check (its words and fix); nothing is
   * saved. The same rules as `preflight.run`: the allow-list, files per caller, and from the browser host a
   * remote `uri` needs its risks named in `confirmRisks`.
   */
  'settings.testConnection': {
    input: z.object({ uri: ConnectionUri, confirmRisks: ConfirmRisks.optional() }).strict(),
    output: z.object({ uri: z.string(), testedAt: z.string(), check: PreflightCheck }),
  },

  // libvirt, on the settings' connection. Changes also arrive as `libvirt.*` events.
  'libvirt.connection': { input: NoInput, output: ConnectionState },
  /** The host's CPUs and memory (libvirt) and the free space where lab disks go (local connections). */
  'libvirt.capacity': { input: NoInput, output: HostCapacity },
  'domains.list': { input: NoInput, output: z.array(DomainInfo) },
  'domain.get': { input: DomainNameInput, output: DomainInfo },
  'domain.start': { input: DomainNameInput, output: DomainInfo },
  'domain.shutdown': {
    input: DomainShutdownInput,
    output: z.object({ outcome: z.enum(['shut-off', 'forced-off', 'still-running']), domain: DomainInfo }),
  },
  'domain.forceOff': { input: DomainNameInput, output: DomainInfo },
  'domain.reboot': { input: DomainNameInput, output: DomainInfo },
  /** Pause a running VM (its vCPUs stop, its memory stays) / resume a paused one; another state is refused. */
  'domain.pause': { input: DomainNameInput, output: DomainInfo },
  'domain.resume': { input: DomainNameInput, output: DomainInfo },
  /** With `withDisks`: removes the files Stacklab made and pool volumes; every other disk is kept and listed. */
  'domain.delete': { input: DomainDeleteInput, output: DomainDeleteResult },
  'domain.setAutostart': { input: AutostartInput, output: DomainInfo },
  /** Raw XML, read-only (`virsh dumpxml`), by UUID: also for a domain Stacklab cannot read or name. */
  'domain.xml': { input: UuidInput, output: z.object({ xml: z.string() }) },
  'networks.list': { input: NoInput, output: z.array(NetworkInfo) },
  'network.create': { input: NetworkCreateInput, output: NetworkInfo },
  'network.start': { input: NetworkNameInput, output: NetworkInfo },
  'network.stop': { input: NetworkNameInput, output: NetworkInfo },
  'network.delete': { input: NetworkNameInput, output: z.object({}) },
  'network.xml': { input: UuidInput, output: z.object({ xml: z.string() }) },
  'network.setAutostart': { input: AutostartInput, output: NetworkInfo },
  'network.setDhcpRange': { input: NetworkDhcpInput, output: NetworkInfo },
  'network.addStaticHost': { input: NetworkHostInput, output: NetworkInfo },
  'network.removeStaticHost': { input: NetworkHostRemoveInput, output: NetworkInfo },
  'network.leases': {
    input: NetworkNameInput,
    output: z.object({ supported: z.boolean(), leases: z.array(Lease) }),
  },
  'snapshots.list': { input: DomainNameInput, output: z.array(SnapshotNode) },
  'snapshot.support': { input: DomainNameInput, output: SnapshotSupport },
  'snapshot.create': { input: SnapshotCreateInput, output: SnapshotNode },
  'snapshot.revert': { input: SnapshotRevertInput, output: DomainInfo },
  'snapshot.delete': { input: SnapshotRefInput, output: z.object({}) },
  'snapshot.xml': { input: SnapshotXmlInput, output: z.object({ xml: z.string() }) },
  'checkpoints.list': { input: CheckpointScopeInput, output: z.array(Checkpoint) },
  'checkpoint.create': { input: CheckpointCreateInput, output: Checkpoint },
  'checkpoint.restore': { input: CheckpointRefInput, output: Checkpoint },
  'checkpoint.delete': { input: CheckpointRefInput, output: z.object({}) },

  // Labs. Long work returns at once with its job; progress arrives as `job.updated` events.
  // `issues` make a definition invalid; `warnings` (what works but is likely not meant, and what could not
  // be checked against the host) do not.
  'lab.validate': {
    input: z.object({ definition: z.unknown() }).strict(),
    output: z.object({
      ok: z.boolean(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
      warnings: z.array(z.object({ path: z.string(), message: z.string() })).default([]),
    }),
  },
  'lab.create': { input: z.object({ definition: LabDefinition }).strict(), output: Job },
  'lab.resume': { input: z.object({ name: ResourceName }).strict(), output: Job },
  /** On an installed lab the node joins OpenStack in the same job, unless `join` is false (VM only: by hand). */
  'lab.addNode': {
    input: z.object({ name: ResourceName, node: NodeDef, join: z.boolean().optional() }).strict(),
    output: Job,
  },
  'lab.delete': { input: z.object({ name: ResourceName }).strict(), output: Job },
  /** Start (or resume) / shut down every VM of a lab at once; each node's outcome. Refused while a job runs. */
  'lab.power': { input: LabPowerInput, output: LabPowerResult },
  'labs.list': { input: NoInput, output: z.array(LabSummary) },
  'lab.get': { input: z.object({ name: ResourceName }).strict(), output: LabState },
  // OpenStack on a lab: the answer file, the packstack run (a job), its log, and the status afterwards.
  'lab.answers': {
    input: z.object({ name: ResourceName }).strict(),
    output: z.object({ text: z.string(), generated: z.boolean() }),
  },
  'lab.answers.save': {
    input: z.object({ name: ResourceName, text: z.string().min(1).max(200_000) }).strict(),
    output: z.object({}),
  },
  /** Install, or with `retry` restore the "pre-install" checkpoint first. Reattaches to a run in progress. */
  'lab.install': {
    input: z.object({ name: ResourceName, retry: z.boolean().default(false) }).strict(),
    output: Job,
  },
  /** The config files a distribution-packages install writes, per stage, and where the install stands. */
  'lab.installFiles': {
    input: z.object({ name: ResourceName }).strict(),
    output: z.object({
      stages: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          files: z.array(
            z.object({ node: z.string(), path: z.string(), purpose: z.string(), content: z.string() }),
          ),
        }),
      ),
      progress: StagesState,
    }),
  },
  'lab.installLog': {
    input: z.object({ name: ResourceName }).strict(),
    output: z.object({ run: InstallRun.nullable(), text: z.string(), report: PackstackReport.nullable() }),
  },
  /** Each node's OpenStack services and the Horizon URL; the report also goes out as a `lab.status` event. */
  'lab.status': { input: z.object({ name: ResourceName }).strict(), output: LabStatusReport },
  'jobs.list': { input: NoInput, output: z.array(Job) },

  // Packstack knowledge: pure reading and editing, nothing runs. Answer-file errors name the key.
  'packstack.explain': { input: z.object({ text: z.string() }).strict(), output: PackstackReport },
  'packstack.answers.read': {
    input: z.object({ text: z.string() }).strict(),
    output: z.object({ fields: AnswerFields, keys: z.number().int() }),
  },
  'packstack.answers.update': {
    input: z.object({ text: z.string(), fields: AnswerFields }).strict(),
    output: z.object({ text: z.string() }),
  },
  /** Check an answer file against a lab: hosts and roles, bridge interfaces, password, NTP, virt type. */
  'packstack.answers.check': {
    input: z
      .object({
        text: z.string(),
        lab: ResourceName,
        /** Interfaces per node name (default eth0, eth1, ... one per NIC). */
        interfaces: z.record(z.string(), z.array(z.string())).optional(),
        /** Working KVM per compute node name (default: the lab's virtType). */
        kvm: z.record(z.string(), z.boolean()).optional(),
      })
      .strict(),
    output: z.object({ ok: z.boolean(), problems: z.array(AnswerProblem) }),
  },
  'job.cancel': {
    input: z.object({ id: z.string().uuid() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },

  // Consoles of lab nodes (SSH shell or serial) and the serial console of any VM by its name. Output arrives
  // as `console.data`, acknowledged by `console.ack`.
  'console.open': { input: ConsoleOpenInput, output: ConsoleInfo },
  'console.write': { input: ConsoleWriteInput, output: z.object({}) },
  'console.resize': { input: ConsoleResizeInput, output: z.object({}) },
  'console.ack': { input: ConsoleAckInput, output: z.object({}) },
  /** Start an exited session again (a dropped connection, a node that rebooted) under the same id. */
  'console.reconnect': { input: ConsoleIdInput, output: ConsoleInfo },
  'console.close': { input: ConsoleIdInput, output: z.object({}) },
  'consoles.list': { input: NoInput, output: z.array(ConsoleInfo) },

  // Lessons (resources/lessons): the seeds' exercises, checked on a lab's guests over SSH. Calls name a
  // lesson and a task by id; the commands come from Stacklab's own lesson files, never from a caller.
  'lessons.list': { input: NoInput, output: z.array(LessonSummary) },
  'lesson.get': { input: LessonRefInput, output: Lesson },
  /** Where a lab stands in a lesson (kept across restarts). */
  'lesson.progress': { input: LabLessonInput, output: LessonProgress },
  /**
   * Start a lesson on a lab (a job): refused unless the lab has what the lesson needs; with `after`, the
   * earlier lesson's solutions run first where its checks do not pass; then the lab checkpoint
   * `lesson-<id>` that "reset" restores.
   */
  'lesson.start': { input: LabLessonInput, output: Job },
  /** Run the checks of one task, or of every task; the verdicts are kept in the lab's progress. */
  'lesson.check': { input: LessonCheckInput, output: CheckReport },
  /** Reveal the task's next hint (the count is kept); `hint` null when all are shown. */
  'lesson.hint': {
    input: LabTaskInput,
    output: z.object({ hint: Text.nullable(), shown: z.number().int(), total: z.number().int() }),
  },
  /** "Do it for me" (a job): the task's solution on the lab, then its check. */
  'lesson.solve': { input: LabTaskInput, output: Job },
  /** Restore the lesson's checkpoint (a job); the lesson's progress starts over. */
  'lesson.reset': { input: LabLessonInput, output: Job },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>

export const events = {
  'preflight.started': z.object({ runId: z.string(), uri: z.string(), checks: z.array(CheckId) }),
  'preflight.check': z.object({ runId: z.string(), check: PreflightCheck }),
  'preflight.finished': z.object({ runId: z.string(), report: PreflightReport }),
  'settings.changed': Settings,
  'job.updated': Job,
  /** A lab's OpenStack status, each time the engine checks it (for whichever client asked). */
  'lab.status': LabStatusReport,
  'libvirt.connection': ConnectionState,
  'libvirt.domain': z.object({ uri: z.string(), domain: DomainInfo }),
  'libvirt.domainRemoved': z.object({ uri: z.string(), name: z.string() }),
  'libvirt.network': z.object({ uri: z.string(), network: NetworkInfo }),
  'libvirt.networkRemoved': z.object({ uri: z.string(), name: z.string() }),
  'libvirt.lifecycle': z.object({
    uri: z.string(),
    object: z.enum(['domain', 'network']),
    name: z.string(),
    event: z.string(),
    detail: z.string(),
  }),
  'console.data': ConsoleDataEvent,
  'console.exit': ConsoleExitEvent,
} as const satisfies Record<string, z.ZodType>

export type CallName = keyof typeof calls
export type EventName = keyof typeof events
export type CallInput<M extends CallName> = z.input<(typeof calls)[M]['input']>
export type CallOutput<M extends CallName> = z.output<(typeof calls)[M]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

export const CALL_NAMES = Object.keys(calls) as CallName[]

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name)
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** What every host hands the renderer, whatever carries it. */
export interface LabApi {
  call<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** The raw bridge the Electron preload exposes as `window.stacklab` (untyped at the boundary on purpose). */
export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: ApiErrorShape }

export interface StacklabBridge {
  call(method: string, input: unknown): Promise<BridgeReply>
  /** Desktop only: a file the user picks in a native dialog, which a connection URI may then name. */
  pickFile?(): Promise<string | null>
  on(event: string, listener: (payload: unknown) => void): () => void
}

/** Wire messages of the browser host's WebSocket. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string(),
    input: z.unknown(),
  }),
  z.object({ type: z.literal('subscribe'), events: z.array(z.string()).max(64) }),
])
export type ClientMessage = z.infer<typeof ClientMessage>

export type ServerMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | {
      type: 'result'
      id: number | null
      ok: false
      error: ApiErrorShape
    }
  | { type: 'event'; event: string; payload: unknown }
