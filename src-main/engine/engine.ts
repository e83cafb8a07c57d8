// The engine: owns all state that matters and answers LabApi calls. Hosts hand it raw, untrusted input;
// it validates every call against the contract before any handler runs.
import { randomUUID } from 'node:crypto'
import { userInfo } from 'node:os'
import {
  calls,
  isCallName,
  CALL_NAMES,
  MAX_INPUT_BYTES,
  type CallName,
  type CallOutput,
  type EventName,
  type EventPayload,
  type HostKind,
} from '../../src-shared/api'
import { ApiError, issuesOf } from '../../src-shared/errors'
import { CHECK_ORDER, type PreflightReport } from '../../src-shared/preflight'
import type { z } from 'zod'
import { ExecError, createRun, type Run } from './exec'
import { EventBus } from './events'
import { createLogger, type Logger } from './log'
import { appPaths, type AppPaths } from './paths'
import { runPreflight } from './preflight/run'
import type { HostView } from './preflight/host'
import { SettingsStore } from './settings'
import { LibvirtService } from './libvirt/service'
import { LibvirtError } from './libvirt/errors'
import { ValidationError } from './libvirt/network'
import * as domain from './libvirt/domain'
import * as network from './libvirt/network'
import * as snapshot from './libvirt/snapshot'
import * as checkpoint from './libvirt/checkpoint'
import { readAll } from './libvirt/refresh'
import { createVirsh, type Virsh } from './libvirt/virsh'
import { JobRunner } from './jobs'
import { LabService } from './lab/service'
import { LabStore } from './lab/store'
import type { LabEnv } from './lab/pipeline'
import { InstallError, InstallService } from './install/install'
import { labStatus } from './install/status'
import { defaultImagesDir } from './preflight/uri'
import { explain as explainPackstack } from './packstack/parse'
import { readAnswerText, updateAnswerText } from './packstack/answers'
import { checkAnswers } from './packstack/check'
import { ConsoleManager } from './console/manager'

export const VERSION = '0.1.0'

export interface EngineOptions {
  host: HostKind
  paths?: AppPaths
  logger?: Logger
  run?: Run
  hostView?: HostView
}

type Handlers = {
  [M in CallName]: (input: z.output<(typeof calls)[M]['input']>) => Promise<CallOutput<M>>
}

export class Engine {
  readonly paths: AppPaths
  readonly logger: Logger
  readonly bus = new EventBus()
  private readonly run: Run
  private readonly settings: SettingsStore
  private readonly hostView: HostView
  private lastPreflight: PreflightReport | null = null
  private preflightInFlight: Promise<PreflightReport> | null = null
  private libvirtService: LibvirtService | null = null
  private plainVirsh: Virsh | null = null
  readonly jobs: JobRunner
  readonly labs: LabService
  readonly install: InstallService
  readonly consoles: ConsoleManager

  constructor(private readonly options: EngineOptions) {
    this.paths = options.paths ?? appPaths()
    this.logger = options.logger ?? createLogger(this.paths.log)
    this.run = options.run ?? createRun(this.logger)
    this.settings = new SettingsStore(this.paths.config, this.logger)
    this.jobs = new JobRunner(this.paths.data, this.bus)
    this.labs = new LabService(() => this.labEnv(), this.jobs)
    this.install = new InstallService({
      env: () => this.labEnv(),
      jobs: this.jobs,
      claim: (name, state, work) => this.labs.claim(name, state, work),
      busy: (name, state) => this.labs.busy(name, state),
      get: (name) => this.labs.get(name),
    })
    this.consoles = new ConsoleManager({
      run: this.run,
      store: new LabStore(this.paths.data),
      logger: this.logger,
      uri: async () => (await this.settings.get()).connectionUri,
      sink: {
        data: (id, data) => this.bus.emit('console.data', { id, data }),
        exit: (id, code, reason) => this.bus.emit('console.exit', { id, code, reason }),
      },
    })
    this.hostView = options.hostView ?? {
      root: '/',
      path: process.env['PATH'] ?? '/usr/bin:/bin',
      uid: process.getuid?.() ?? -1,
      user: safeUser(),
    }
  }

  private readonly handlers: Handlers = {
    'app.info': () =>
      Promise.resolve({
        version: VERSION,
        host: this.options.host,
        platform: `${process.platform}-${process.arch}`,
        paths: { ...this.paths },
      }),
    'settings.get': () => this.settings.get(),
    'settings.update': async (patch) => {
      const next = await this.settings.update(patch)
      // A host that watches libvirt follows the connection to its new URI.
      if (this.libvirtService && this.libvirtService.uri !== next.connectionUri) await this.libvirt()
      this.bus.emit('settings.changed', next)
      return next
    },
    'preflight.run': (input) => this.preflight(input.uri),
    'preflight.last': () => Promise.resolve(this.lastPreflight),

    'libvirt.connection': async () => (await this.libvirt()).state(),
    'domains.list': async () => (await readAll(await this.virsh())).domains,
    'domain.get': async ({ name }) => domain.domainGet(await this.virsh(), name),
    'domain.start': ({ name }) => this.onDomain(name, (v) => domain.domainStart(v, name)),
    'domain.shutdown': async ({ name, timeoutMs, fallback }) => {
      const v = await this.virsh()
      const outcome = await domain.domainShutdown(v, name, { timeoutMs, fallback })
      return { outcome, domain: await domain.domainGet(v, name) }
    },
    'domain.forceOff': ({ name }) => this.onDomain(name, (v) => domain.domainForceOff(v, name)),
    'domain.reboot': ({ name }) => this.onDomain(name, (v) => domain.domainReboot(v, name)),
    'domain.delete': async ({ name, withDisks }) => domain.domainDelete(await this.virsh(), name, withDisks),
    'domain.setAutostart': ({ name, enabled }) =>
      this.onDomain(name, (v) => domain.domainSetAutostart(v, name, enabled)),
    'networks.list': async () => network.networkList(await this.virsh()),
    'network.create': async (input) => network.networkCreate(await this.virsh(), input),
    'network.start': ({ name }) => this.onNetwork(name, (v) => network.networkStart(v, name)),
    'network.stop': ({ name }) => this.onNetwork(name, (v) => network.networkStop(v, name)),
    'network.delete': async ({ name }) => {
      await network.networkDelete(await this.virsh(), name)
      return {}
    },
    'network.setAutostart': ({ name, enabled }) =>
      this.onNetwork(name, (v) => network.networkSetAutostart(v, name, enabled)),
    'network.setDhcpRange': async ({ name, range }) =>
      network.networkSetDhcpRange(await this.virsh(), name, range),
    'network.addStaticHost': async ({ name, host }) =>
      network.networkAddStaticHost(await this.virsh(), name, host),
    'network.removeStaticHost': async ({ name, mac }) =>
      network.networkRemoveStaticHost(await this.virsh(), name, mac),
    'network.leases': async ({ name }) => network.networkLeases(await this.virsh(), name),
    'snapshots.list': async ({ name }) => snapshot.snapshotList(await this.virsh(), name),
    'snapshot.support': async ({ name }) => snapshot.snapshotSupport(await this.virsh(), name),
    'snapshot.create': async ({ domain: d, name, description, kind }) =>
      snapshot.snapshotCreate(await this.virsh(), d, { name, description, kind }),
    'snapshot.revert': ({ domain: d, name, state }) =>
      this.onDomain(d, (v) => snapshot.snapshotRevert(v, d, name, state)),
    'snapshot.delete': async ({ domain: d, name }) => {
      await snapshot.snapshotDelete(await this.virsh(), d, name)
      return {}
    },
    'checkpoints.list': async ({ domains }) => checkpoint.checkpointList(await this.virsh(), domains),
    'checkpoint.create': async ({ domains, name, description }) =>
      checkpoint.checkpointCreate(await this.virsh(), domains, name, description),
    'checkpoint.restore': async ({ domains, name }) =>
      checkpoint.checkpointRestore(await this.virsh(), domains, name),
    'checkpoint.delete': async ({ domains, name }) => {
      await checkpoint.checkpointDelete(await this.virsh(), domains, name)
      return {}
    },
    'lab.validate': ({ definition }) => this.labs.validate(definition),
    'lab.create': ({ definition }) => this.labs.create(definition),
    'lab.resume': ({ name }) => this.labs.resume(name),
    'lab.addNode': ({ name, node }) => this.labs.addNode(name, node),
    'lab.delete': ({ name }) => this.labs.delete(name),
    'labs.list': () => this.labs.list(),
    'lab.get': ({ name }) => this.labs.get(name),
    'lab.answers': ({ name }) => this.install.answers(name),
    'lab.answers.save': async ({ name, text }) => {
      await this.install.saveAnswers(name, text)
      return {}
    },
    'lab.install': ({ name, retry }) => this.install.install(name, { retry }),
    'lab.installLog': ({ name }) => this.install.log(name),
    'lab.status': async ({ name }) => labStatus(await this.labEnv(), await this.labs.get(name)),
    'jobs.list': () => this.jobs.list(),
    'job.cancel': ({ id }) => Promise.resolve({ cancelled: this.jobs.cancel(id) }),
    'packstack.explain': ({ text }) => Promise.resolve(explainPackstack(text)),
    'packstack.answers.read': ({ text }) => Promise.resolve(readAnswerText(text)),
    'packstack.answers.update': ({ text, fields }) =>
      Promise.resolve({ text: updateAnswerText(text, fields) }),
    'packstack.answers.check': async ({ text, lab, interfaces, kvm }) => {
      const state = await this.labs.get(lab)
      const problems = checkAnswers(
        readAnswerText(text).fields,
        { definition: state.definition, state },
        { interfaces, kvm },
      )
      return { ok: !problems.some((p) => p.severity === 'error'), problems }
    },
    'console.open': (input) => this.consoles.open(input),
    'console.write': ({ id, data }) => done(() => this.consoles.write(id, data)),
    'console.resize': ({ id, cols, rows }) => done(() => this.consoles.resize(id, cols, rows)),
    'console.ack': ({ id, bytes }) => done(() => this.consoles.ack(id, bytes)),
    'console.reconnect': ({ id }) => this.consoles.reconnect(id),
    'console.close': ({ id }) => done(() => this.consoles.close(id)),
    'consoles.list': () => Promise.resolve(this.consoles.list()),
  }

  /** What the lab pipeline works with, from the current settings. */
  async labEnv(): Promise<LabEnv> {
    const settings = await this.settings.get()
    const imagesDir = settings.imagesDir || defaultImagesDir(settings.connectionUri)
    if (!imagesDir)
      throw new ApiError({
        code: 'bad-request',
        message: 'Set an images directory in Settings for a remote connection',
      })
    return {
      run: this.run,
      virsh: await this.virsh(),
      store: new LabStore(this.paths.data),
      logger: this.logger,
      host: this.hostView,
      imagesDir,
      source: { reposDir: settings.templateSource || undefined, noCheckSignature: settings.templateUnsigned },
    }
  }

  /** The live libvirt picture for the settings' connection; started on first use, moved when it changes. */
  async libvirt(): Promise<LibvirtService> {
    const uri = (await this.settings.get()).connectionUri
    if (this.libvirtService?.uri !== uri) {
      const old = this.libvirtService
      this.libvirtService = new LibvirtService(this.run, uri, this.bus, this.logger)
      this.libvirtService.start()
      if (old) void old.stop()
    }
    return this.libvirtService
  }

  /**
   * virsh on the settings' connection. Calls do not need the live event stream: that one starts only when
   * a host watches (the desktop and browser hosts do at start; a one-shot CLI command does not).
   */
  private async virsh(): Promise<Virsh> {
    const uri = (await this.settings.get()).connectionUri
    if (this.libvirtService?.uri === uri) return this.libvirtService.virsh
    if (this.plainVirsh?.uri !== uri) this.plainVirsh = createVirsh(this.run, uri)
    return this.plainVirsh
  }

  private async onDomain(name: string, action: (v: Virsh) => Promise<unknown>) {
    const v = await this.virsh()
    await action(v)
    return domain.domainGet(v, name)
  }

  private async onNetwork(name: string, action: (v: Virsh) => Promise<unknown>) {
    const v = await this.virsh()
    await action(v)
    return network.networkGet(v, name)
  }

  /** Stop background work (event streams). */
  async close(): Promise<void> {
    this.consoles.closeAll()
    await this.libvirtService?.stop()
    this.libvirtService = null
  }

  /** Validate and run one call. Always resolves to the contract's output or rejects with an ApiError. */
  async call(method: unknown, rawInput: unknown): Promise<unknown> {
    if (!isCallName(method)) {
      throw new ApiError({
        code: 'unknown-method',
        message: `Unknown call ${JSON.stringify(String(method)).slice(0, 80)}; known calls: ${CALL_NAMES.join(', ')}`,
      })
    }
    const size = byteSize(rawInput)
    if (size > MAX_INPUT_BYTES) {
      throw new ApiError({
        code: 'too-large',
        message: `Input for ${method} is ${size} bytes; the limit is ${MAX_INPUT_BYTES} bytes`,
      })
    }
    const parsed = calls[method].input.safeParse(rawInput ?? {})
    if (!parsed.success) {
      const issues = issuesOf(parsed.error)
      throw new ApiError({
        code: 'bad-request',
        message: `Invalid input for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      })
    }
    try {
      const handler = this.handlers[method] as (input: unknown) => Promise<unknown>
      const value = await handler(parsed.data)
      return calls[method].output.parse(value)
    } catch (error) {
      throw this.toApiError(method, error)
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.bus.on(event, listener)
  }

  private async preflight(uri: string | undefined): Promise<PreflightReport> {
    // One run at a time: a second request (another window, a double click) joins the running one.
    if (this.preflightInFlight) return this.preflightInFlight
    const settings = await this.settings.get()
    const runId = randomUUID()
    const target = uri ?? settings.connectionUri
    this.bus.emit('preflight.started', { runId, uri: target, checks: [...CHECK_ORDER] })
    this.preflightInFlight = runPreflight({
      uri: target,
      run: this.run,
      host: this.hostView,
      imagesDir: settings.imagesDir,
      onCheck: (check) => this.bus.emit('preflight.check', { runId, check }),
    })
    try {
      const report = await this.preflightInFlight
      this.lastPreflight = report
      this.logger.log('info', 'preflight finished', { uri: target, counts: report.counts })
      this.bus.emit('preflight.finished', { runId, report })
      return report
    } finally {
      this.preflightInFlight = null
    }
  }

  private toApiError(method: string, error: unknown): ApiError {
    if (error instanceof ApiError) return error
    if (error instanceof ValidationError) {
      return new ApiError({
        code: 'bad-request',
        message: `Invalid input for ${method}: ${error.message}`,
        issues: error.issues,
      })
    }
    if (error instanceof InstallError)
      return new ApiError({ code: 'invalid-state', message: `${error.message}. ${error.fix}` })
    if (error instanceof LibvirtError) {
      const code = (
        {
          'not-found': 'not-found',
          'already-exists': 'already-exists',
          permission: 'permission',
          'invalid-state': 'invalid-state',
          unreachable: 'unreachable',
          'no-driver': 'unreachable',
          'tool-missing': 'not-found',
          unsupported: 'unsupported',
          'host-key': 'permission',
          timeout: 'timeout',
          cancelled: 'cancelled',
          other: 'exit',
        } as const
      )[error.kind]
      return new ApiError({ code, message: error.message })
    }
    if (error instanceof ExecError) {
      return new ApiError({
        code: error.kind === 'not-found' ? 'not-found' : error.kind,
        message: error.message,
      })
    }
    const e = error as Error
    this.logger.log('error', 'call failed', { method, error: e?.message, stack: e?.stack })
    if (e?.name === 'ZodError')
      return new ApiError({ code: 'internal', message: `Engine produced invalid output for ${method}` })
    return new ApiError({ code: 'internal', message: e?.message ?? String(error) })
  }
}

/** Run a synchronous action as a call answering `{}`. */
function done(action: () => void): Promise<Record<string, never>> {
  try {
    action()
    return Promise.resolve({})
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

function byteSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value ?? null) ?? '')
  } catch {
    return Infinity
  }
}

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env['USER'] ?? 'user'
  }
}
