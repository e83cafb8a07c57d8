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

  constructor(private readonly options: EngineOptions) {
    this.paths = options.paths ?? appPaths()
    this.logger = options.logger ?? createLogger(this.paths.log)
    this.run = options.run ?? createRun(this.logger)
    this.settings = new SettingsStore(this.paths.config, this.logger)
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
      this.bus.emit('settings.changed', next)
      return next
    },
    'preflight.run': (input) => this.preflight(input.uri),
    'preflight.last': () => Promise.resolve(this.lastPreflight),
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
