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
import { settingsRisks, uriRisks, type Caller, type Risk } from '../../src-shared/trust'
import { checkConnectionUri } from '../../src-shared/uri-policy'
import { AbsolutePath } from '../../src-shared/settings'
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
import { vmDiskProblem } from './lab/disks'
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
import { explainInTurns } from './packstack/parse'
import { readAnswerText, updateAnswerText } from './packstack/answers'
import { checkAnswers } from './packstack/check'
import { ConsoleManager } from './console/manager'
import { requireConfirmed, untrustedPath } from './trust'

export const VERSION = '0.1.0'

export interface EngineOptions {
  host: HostKind
  paths?: AppPaths
  logger?: Logger
  run?: Run
  hostView?: HostView
}

type Handlers = {
  [M in CallName]: (input: z.output<(typeof calls)[M]['input']>, caller: Caller) => Promise<CallOutput<M>>
}

/** In-process calls (the CLI, tests, benchmarks) act for the user; hosts name their callers. */
const IN_PROCESS: Caller = { origin: 'cli' }
/** How many files picked in the desktop app's dialog are remembered as the user's own choice. */
const MAX_PICKED = 64

export class Engine {
  readonly paths: AppPaths
  readonly logger: Logger
  readonly bus = new EventBus()
  private readonly run: Run
  private readonly settings: SettingsStore
  private readonly hostView: HostView
  private lastPreflight: PreflightReport | null = null
  private preflightInFlight: Promise<PreflightReport> | null = null
  private readonly picked = new Set<string>()
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
    'settings.update': async ({ confirmRisks, ...patch }, caller) => {
      const current = await this.settings.get()
      if (patch.connectionUri !== undefined && patch.connectionUri !== current.connectionUri)
        this.admitUri(patch.connectionUri, 'settings.update', 'connectionUri', caller, current.connectionUri)
      requireConfirmed(caller.origin, settingsRisks(current, patch), confirmRisks, riskField)
      const next = await this.settings.update(patch)
      // A host that watches libvirt follows the connection to its new URI.
      if (this.libvirtService && this.libvirtService.uri !== next.connectionUri) await this.libvirt()
      this.bus.emit('settings.changed', next)
      return next
    },
    'preflight.run': async ({ uri, confirmRisks }, caller) => {
      if (uri !== undefined) {
        const current = await this.settings.get()
        const parts = this.admitUri(uri, 'preflight.run', 'uri', caller, current.connectionUri)
        if (uri !== current.connectionUri)
          requireConfirmed(caller.origin, uriRisks(parts), confirmRisks, () => 'uri')
      }
      return this.preflight(uri)
    },
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
    'domain.delete': async ({ name, withDisks }) => {
      // Never a shared base image or another lab's disk with a VM (lab/disks.ts); of the rest, only what
      // Stacklab made (libvirt/disk-removal.ts).
      const settings = await this.settings.get()
      const imagesDir = settings.imagesDir || defaultImagesDir(settings.connectionUri)
      const labs = await new LabStore(this.paths.data).list()
      return domain.domainDelete(
        await this.virsh(),
        name,
        withDisks,
        (path) => this.madeByStacklab(path),
        (path) => vmDiskProblem(imagesDir, labs, name, path),
      )
    },
    'domain.setAutostart': ({ name, enabled }) =>
      this.onDomain(name, (v) => domain.domainSetAutostart(v, name, enabled)),
    'domain.xml': async ({ uuid }) => ({ xml: await domain.domainXmlText(await this.virsh(), uuid) }),
    'networks.list': async () => network.networkList(await this.virsh()),
    'network.create': async (input) => network.networkCreate(await this.virsh(), input),
    'network.start': ({ name }) => this.onNetwork(name, (v) => network.networkStart(v, name)),
    'network.stop': ({ name }) => this.onNetwork(name, (v) => network.networkStop(v, name)),
    'network.delete': async ({ name }) => {
      await network.networkDelete(await this.virsh(), name)
      return {}
    },
    'network.xml': async ({ uuid }) => ({ xml: await network.networkXmlText(await this.virsh(), uuid) }),
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
    'snapshot.xml': async ({ domain: d, name }) => ({
      xml: await snapshot.snapshotXmlText(await this.virsh(), d, name),
    }),
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
    'lab.status': async ({ name }) => {
      const report = await labStatus(await this.labEnv(), await this.labs.get(name))
      // Every window shows the same health (the topology of one, the Install page of another).
      this.bus.emit('lab.status', report)
      return report
    },
    'jobs.list': () => this.jobs.list(),
    'job.cancel': ({ id }) => Promise.resolve({ cancelled: this.jobs.cancel(id) }),
    'packstack.explain': ({ text }) => explainInTurns(text),
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

  /** Whether Stacklab's lab records say it made this disk file (a lab's disks and its nodes' disks). */
  private async madeByStacklab(path: string): Promise<boolean> {
    const labs = await new LabStore(this.paths.data).list()
    return labs.some(
      (lab) => lab.resources.disks.includes(path) || Object.values(lab.nodes).some((n) => n.disk === path),
    )
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

  /**
   * Validate and run one call. Always resolves to the contract's output or rejects with an ApiError.
   * `caller` says who sends it: the browser host and the desktop window name themselves; the default is an
   * in-process caller (the CLI), which acts for the user.
   */
  async call(method: unknown, rawInput: unknown, caller: Caller = IN_PROCESS): Promise<unknown> {
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
      const handler = this.handlers[method] as (input: unknown, caller: Caller) => Promise<unknown>
      const value = await handler(parsed.data, caller)
      return calls[method].output.parse(value)
    } catch (error) {
      throw this.toApiError(method, error)
    }
  }

  /**
   * Record a file the user picked in the desktop app's native dialog (only the main process calls this, after
   * `dialog.showOpenDialog`): a connection URI from the desktop window may then name it.
   */
  trustPickedPath(path: string): void {
    const check = AbsolutePath.safeParse(path)
    if (!check.success)
      throw new Error(`picked path ${JSON.stringify(path)}: ${check.error.issues[0]?.message}`)
    if (this.picked.size >= MAX_PICKED) this.picked.delete(this.picked.values().next().value!)
    this.picked.add(path)
  }

  /**
   * The per-caller half of the URI rule (the allow-list half is the contract's schema): a URI from the
   * browser host or the desktop window may name only files Stacklab manages, the user picked, or the saved
   * connection already names.
   */
  private admitUri(uri: string, method: string, field: string, caller: Caller, savedUri: string) {
    const check = checkConnectionUri(uri)
    if (!check.ok) throw badUri(method, field, check.problem.message)
    const problem = untrustedPath(check.parts, {
      origin: caller.origin,
      managedDirs: [this.paths.config, this.paths.data, this.paths.state, this.paths.cache],
      picked: this.picked,
      savedUri,
      uid: this.hostView.uid,
    })
    if (problem) throw badUri(method, field, problem.message)
    return check.parts
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.bus.on(event, listener)
  }

  private async preflight(uri: string | undefined): Promise<PreflightReport> {
    // One run at a time: a second request (another window, a double click) joins the running one.
    if (this.preflightInFlight) return this.preflightInFlight
    const [settings, refused] = await Promise.all([this.settings.get(), this.settings.refused()])
    const runId = randomUUID()
    const target = uri ?? settings.connectionUri
    this.bus.emit('preflight.started', { runId, uri: target, checks: [...CHECK_ORDER] })
    this.preflightInFlight = runPreflight({
      uri: target,
      run: this.run,
      host: this.hostView,
      imagesDir: settings.imagesDir,
      // A connection URI of the settings file that was refused is said where the user looks for the connection.
      refused: uri === undefined ? refused : [],
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

function badUri(method: string, field: string, message: string): ApiError {
  return new ApiError({
    code: 'bad-request',
    message: `Invalid input for ${method}: ${field}: ${message}`,
    issues: [{ path: field, message }],
  })
}

/** The settings field a risk comes from, so a form can show the need next to it. */
function riskField(risk: Risk): string {
  return (
    { 'unsigned-templates': 'templateUnsigned', 'template-source': 'templateSource' }[risk as string] ??
    'connectionUri'
  )
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
