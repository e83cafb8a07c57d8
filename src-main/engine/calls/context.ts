// What the engine's call handlers work with, and the shape of a group of them. Each file in this folder
// answers the calls of one area; the Engine composes them and runs every one behind its one gate.
import type { z } from 'zod'
import type { CallName, CallOutput, calls } from '../../../src-shared/api'
import type { Caller } from '../../../src-shared/trust'
import type { ConsoleManager } from '../console/manager'
import type { EventBus } from '../events'
import type { Run } from '../exec'
import type { InstallService } from '../install/install'
import type { JobRunner } from '../jobs'
import type { LabEnv } from '../lab/pipeline'
import type { LabService } from '../lab/service'
import type { LessonService } from '../lessons/service'
import type { LibvirtService } from '../libvirt/service'
import type { Virsh } from '../libvirt/virsh'
import type { Logger } from '../log'
import type { AppPaths } from '../paths'
import type { HostView } from '../preflight/host'
import type { SettingsStore } from '../settings'

/** One call's handler: its input as the contract's schema parsed it, and who sent it. */
export type Handler<M extends CallName> = (
  input: z.output<(typeof calls)[M]['input']>,
  caller: Caller,
) => Promise<CallOutput<M>>

/** A handler for every call of the contract (the Engine's table; a missing one does not compile). */
export type Handlers = { [M in CallName]: Handler<M> }

/** The calls whose names match a pattern: with the pattern "domain${string}", domain.get, domains.list, ... */
export type CallsOf<P extends string> = Extract<CallName, P>

/** The engine's parts, as the handlers see them. */
export interface CallContext {
  readonly paths: AppPaths
  readonly logger: Logger
  readonly bus: EventBus
  readonly run: Run
  readonly settings: SettingsStore
  readonly hostView: HostView
  readonly jobs: JobRunner
  readonly labs: LabService
  readonly install: InstallService
  readonly consoles: ConsoleManager
  readonly lessons: LessonService
  /** Files the user picked in the desktop app's native dialog (a desktop URI may name them). */
  readonly picked: ReadonlySet<string>
  /** virsh on the settings' connection (without starting the event stream). */
  virsh(): Promise<Virsh>
  /** The live libvirt picture for the settings' connection (started on first use). */
  libvirt(): Promise<LibvirtService>
  /** The live libvirt picture if a host started one, else null. */
  watched(): LibvirtService | null
  /** What the lab pipeline works with, from the current settings. */
  labEnv(): Promise<LabEnv>
}

/** Run a synchronous action as a call answering `{}`. */
export function done(action: () => void): Promise<Record<string, never>> {
  try {
    action()
    return Promise.resolve({})
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}
