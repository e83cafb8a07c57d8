// The engine: owns all state that matters and answers LabApi calls. Hosts hand it raw, untrusted input;
// it validates every call against the contract before any handler runs.
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
  type LabApi,
} from '../../src-shared/api'
import { ApiError, issuesOf } from '../../src-shared/errors'
import type { Caller } from '../../src-shared/trust'
import { AbsolutePath } from '../../src-shared/settings'
import { createRun, type Run } from './exec'
import { EventBus } from './events'
import { createLogger, type Logger } from './log'
import { appPaths, type AppPaths } from './paths'
import type { HostView } from './preflight/host'
import { SettingsStore } from './settings'
import { LibvirtService } from './libvirt/service'
import { createVirsh, type Virsh } from './libvirt/virsh'
import { domainUuid } from './libvirt/lookup'
import { JobRunner } from './jobs'
import { LabService } from './lab/service'
import { LabStore } from './lab/store'
import type { LabEnv } from './lab/pipeline'
import { InstallService } from './install/install'
import { defaultImagesDir } from './libvirt/uri'
import { ConsoleManager } from './console/manager'
import type { CallContext, Handlers } from './calls/context'
import { settingsHandlers } from './calls/settings'
import { libvirtHandlers } from './calls/libvirt'
import { labHandlers } from './calls/labs'
import { consoleHandlers } from './calls/consoles'
import { lessonHandlers } from './calls/lessons'
import { LessonCatalog } from './lessons/catalog'
import { ProgressStore } from './lessons/progress'
import { LessonService } from './lessons/service'
import { toApiError } from './calls/errors'

export const VERSION = '0.1.0'

export interface EngineOptions {
  host: HostKind
  paths?: AppPaths
  logger?: Logger
  run?: Run
  hostView?: HostView
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
  private readonly picked = new Set<string>()
  private libvirtService: LibvirtService | null = null
  private plainVirsh: Virsh | null = null
  readonly jobs: JobRunner
  readonly labs: LabService
  readonly install: InstallService
  readonly consoles: ConsoleManager
  readonly lessons: LessonService
  private readonly handlers: Handlers
  /**
   * The engine's calls for code in this process (the CLI, tests, benchmarks), typed by the contract: the
   * same `LabApi` the renderer is given, through the same gate as `call`, acting for the user.
   */
  readonly api: LabApi

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
    this.labs.joiner = (env, name, job, node) => this.install.join(env, name, job, node)
    this.consoles = new ConsoleManager({
      run: this.run,
      store: new LabStore(this.paths.data),
      logger: this.logger,
      uri: async () => (await this.settings.get()).connectionUri,
      domainUuid: async (name) => domainUuid(await this.virsh(), name),
      sink: {
        data: (id, data) => this.bus.emit('console.data', { id, data }),
        exit: (id, code, reason) => this.bus.emit('console.exit', { id, code, reason }),
      },
    })
    this.lessons = new LessonService({
      catalog: new LessonCatalog(this.logger),
      env: () => this.labEnv(),
      jobs: this.jobs,
      get: (name) => this.labs.get(name),
      claim: (name, state, work) => this.labs.claim(name, state, work),
      busy: (name, state) => this.labs.busy(name, state),
      progress: new ProgressStore(new LabStore(this.paths.data), this.logger),
    })
    this.hostView = options.hostView ?? {
      root: '/',
      path: process.env['PATH'] ?? '/usr/bin:/bin',
      uid: process.getuid?.() ?? -1,
      user: safeUser(),
    }
    const ctx: CallContext = {
      paths: this.paths,
      logger: this.logger,
      bus: this.bus,
      run: this.run,
      settings: this.settings,
      hostView: this.hostView,
      jobs: this.jobs,
      labs: this.labs,
      install: this.install,
      consoles: this.consoles,
      lessons: this.lessons,
      picked: this.picked,
      virsh: () => this.virsh(),
      libvirt: () => this.libvirt(),
      watched: () => this.libvirtService,
      labEnv: () => this.labEnv(),
    }
    this.handlers = {
      'app.info': () =>
        Promise.resolve({
          version: VERSION,
          host: this.options.host,
          platform: `${process.platform}-${process.arch}`,
          paths: { ...this.paths },
        }),
      ...settingsHandlers(ctx),
      ...libvirtHandlers(ctx),
      ...labHandlers(ctx),
      ...consoleHandlers(ctx),
      ...lessonHandlers(ctx),
    }
    this.api = this.apiFor(IN_PROCESS)
  }

  /**
   * The typed calls for one caller (`api` is the CLI's). Tests of the trust rules use it to call as the
   * browser host or the desktop window would; the gate, and so the rules, are the same.
   */
  apiFor(caller: Caller): LabApi {
    return {
      call: (method, input) => this.gate(method, input, caller),
      on: (event, listener) => this.on(event, listener),
    }
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
      restored: (domains, checkpoint) => this.consoles.dropFor(domains, checkpoint),
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

  /** Stop background work (event streams). */
  async close(): Promise<void> {
    this.consoles.closeAll()
    await this.libvirtService?.stop()
    this.libvirtService = null
  }

  /**
   * The raw gate, for input from outside the process (IPC, the WebSocket) and for input no type vouches for
   * (a user's lab file, a test's malformed call). Validates and runs one call: always resolves to the
   * contract's output or rejects with an ApiError. `caller` says who sends it: the browser host and the
   * desktop window name themselves; the default is an in-process caller (the CLI), which acts for the user.
   * With a method name the compiler knows, the answer is typed: the gate checked it against that call's
   * output schema. (Code that builds its input itself uses `api`, which types the input too.)
   */
  call<M extends CallName>(method: M, rawInput: unknown, caller?: Caller): Promise<CallOutput<M>>
  call(method: unknown, rawInput: unknown, caller?: Caller): Promise<unknown>
  async call(method: unknown, rawInput: unknown, caller: Caller = IN_PROCESS): Promise<unknown> {
    if (!isCallName(method)) {
      throw new ApiError({
        code: 'unknown-method',
        message: `Unknown call ${JSON.stringify(String(method)).slice(0, 80)}; known calls: ${CALL_NAMES.join(', ')}`,
      })
    }
    return this.gate(method, rawInput, caller)
  }

  /** The one gate every call passes: size limit, input schema, handler, output schema, error mapping. */
  private async gate<M extends CallName>(
    method: M,
    rawInput: unknown,
    caller: Caller,
  ): Promise<CallOutput<M>> {
    const size = byteSize(rawInput)
    if (size > MAX_INPUT_BYTES) {
      throw new ApiError({
        code: 'too-large',
        message: `Input for ${method} is ${size} bytes; the limit is ${MAX_INPUT_BYTES} bytes`,
      })
    }
    const contract = calls[method]
    const parsed = contract.input.safeParse(rawInput ?? {})
    if (!parsed.success) {
      const issues = issuesOf(parsed.error)
      throw new ApiError({
        code: 'bad-request',
        message: `Invalid input for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      })
    }
    try {
      // TypeScript cannot pair one member of the handler table with its own schema's output through a
      // generic index, so these two lines see the union of all calls; the output schema's parse is what
      // makes the answer this call's.
      const handler = this.handlers[method] as (input: unknown, caller: Caller) => Promise<unknown>
      return contract.output.parse(await handler(parsed.data, caller)) as CallOutput<M>
    } catch (error) {
      throw toApiError(method, error, this.logger)
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

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.bus.on(event, listener)
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
