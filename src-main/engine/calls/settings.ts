// Calls about the host and its connection: settings (a change that lowers trust needs its risks confirmed by
// a browser-host caller), a connection test, and preflight (one run at a time; its checks stream as events;
// run again by itself when the watched connection is found lost or back, so no old verdict stays current).
import { randomUUID } from 'node:crypto'
import { ApiError } from '../../../src-shared/errors'
import { CHECK_ORDER, type PreflightReport } from '../../../src-shared/preflight'
import type { ConnectionState } from '../../../src-shared/libvirt'
import { settingsRisks, uriRisks, type Caller, type Risk } from '../../../src-shared/trust'
import { checkConnectionUri } from '../../../src-shared/uri-policy'
import { runPreflight, testConnection } from '../preflight/run'
import { requireConfirmed, untrustedPath } from '../trust'
import type { CallContext, Handlers } from './context'

type SettingsCalls = Pick<
  Handlers,
  'settings.get' | 'settings.update' | 'settings.testConnection' | 'preflight.run' | 'preflight.last'
>

export function settingsHandlers(ctx: CallContext): SettingsCalls {
  const preflight = new PreflightRunner(ctx)
  return {
    'settings.get': () => ctx.settings.get(),
    'settings.update': async ({ confirmRisks, ...patch }, caller) => {
      const current = await ctx.settings.get()
      if (patch.connectionUri !== undefined && patch.connectionUri !== current.connectionUri)
        admitUri(ctx, patch.connectionUri, 'settings.update', 'connectionUri', caller, current.connectionUri)
      requireConfirmed(caller.origin, settingsRisks(current, patch), confirmRisks, riskField)
      const next = await ctx.settings.update(patch)
      // A host that watches libvirt follows the connection to its new URI.
      const watched = ctx.watched()
      if (watched && watched.uri !== next.connectionUri) await ctx.libvirt()
      ctx.bus.emit('settings.changed', next)
      return next
    },
    'settings.testConnection': async ({ uri, confirmRisks }, caller) => {
      // The same gate as preflight.run: libvirt is asked nothing about a URI the caller may not use.
      const current = await ctx.settings.get()
      const parts = admitUri(ctx, uri, 'settings.testConnection', 'uri', caller, current.connectionUri)
      if (uri !== current.connectionUri)
        requireConfirmed(caller.origin, uriRisks(parts), confirmRisks, () => 'uri')
      const check = await testConnection({ uri, run: ctx.run, host: ctx.hostView })
      return { uri, testedAt: new Date().toISOString(), check }
    },
    'preflight.run': async ({ uri, confirmRisks }, caller) => {
      if (uri !== undefined) {
        const current = await ctx.settings.get()
        const parts = admitUri(ctx, uri, 'preflight.run', 'uri', caller, current.connectionUri)
        if (uri !== current.connectionUri)
          requireConfirmed(caller.origin, uriRisks(parts), confirmRisks, () => 'uri')
      }
      return preflight.run(uri)
    },
    'preflight.last': () => Promise.resolve(preflight.last),
  }
}

/** Runs preflight for the engine: one run at a time, the last report kept. */
class PreflightRunner {
  last: PreflightReport | null = null
  private inFlight: Promise<PreflightReport> | null = null
  /** The connection changed while a run was going: that run may have seen the old state. */
  private changedMeanwhile = false

  constructor(private readonly ctx: CallContext) {
    ctx.bus.on('libvirt.connection', (state) => void this.follow(state))
  }

  /**
   * Run again when the watched connection settles (found lost, or back) in a state the last report does not
   * show: a stopped daemon must not leave "ready" on the page, nor a restarted one "not reachable". Only the
   * settings' connection counts, and only once there is a report to correct (a host asks for the first).
   */
  private async follow(state: ConnectionState): Promise<void> {
    if (state.state === 'connecting' || !this.last) return
    if (this.inFlight) {
      this.changedMeanwhile = true
      return
    }
    const settings = await this.ctx.settings.get()
    if (state.uri !== settings.connectionUri) return
    const lastSawUp =
      this.last.uri === state.uri
        ? this.last.checks.find((c) => c.id === 'libvirt-connection')?.status === 'ok'
        : null
    if (lastSawUp === (state.state === 'connected')) return
    this.ctx.logger.log('info', 'libvirt connection changed; preflight runs again', {
      uri: state.uri,
      state: state.state,
    })
    await this.run(undefined).catch((error: unknown) =>
      this.ctx.logger.log('warn', 'preflight after a connection change failed', {
        error: String((error as Error).message ?? error),
      }),
    )
  }

  async run(uri: string | undefined): Promise<PreflightReport> {
    const ctx = this.ctx
    // One run at a time: a second request (another window, a double click) joins the running one.
    if (this.inFlight) return this.inFlight
    const [settings, refused] = await Promise.all([ctx.settings.get(), ctx.settings.refused()])
    const runId = randomUUID()
    const target = uri ?? settings.connectionUri
    ctx.bus.emit('preflight.started', { runId, uri: target, checks: [...CHECK_ORDER] })
    this.inFlight = runPreflight({
      uri: target,
      run: ctx.run,
      host: ctx.hostView,
      imagesDir: settings.imagesDir,
      // A connection URI of the settings file that was refused is said where the user looks for the connection.
      refused: uri === undefined ? refused : [],
      onCheck: (check) => ctx.bus.emit('preflight.check', { runId, check }),
    })
    try {
      const report = await this.inFlight
      this.last = report
      ctx.logger.log('info', 'preflight finished', { uri: target, counts: report.counts })
      ctx.bus.emit('preflight.finished', { runId, report })
      return report
    } finally {
      this.inFlight = null
      const watched = this.ctx.watched()
      if (this.changedMeanwhile && watched) {
        this.changedMeanwhile = false
        void this.follow(watched.state())
      }
    }
  }
}

/**
 * The per-caller half of the URI rule (the allow-list half is the contract's schema): a URI from the
 * browser host or the desktop window may name only files Stacklab manages, the user picked, or the saved
 * connection already names.
 */
function admitUri(
  ctx: CallContext,
  uri: string,
  method: string,
  field: string,
  caller: Caller,
  savedUri: string,
) {
  const check = checkConnectionUri(uri)
  if (!check.ok) throw badUri(method, field, check.problem.message)
  const problem = untrustedPath(check.parts, {
    origin: caller.origin,
    managedDirs: [ctx.paths.config, ctx.paths.data, ctx.paths.state, ctx.paths.cache],
    picked: ctx.picked,
    savedUri,
    uid: ctx.hostView.uid,
  })
  if (problem) throw badUri(method, field, problem.message)
  return check.parts
}

function badUri(method: string, field: string, message: string): ApiError {
  return new ApiError({
    code: 'bad-request',
    message: `Invalid input for ${method}: ${field}: ${message}`,
    issues: [{ path: field, message }],
  })
}

/** The settings field a risk comes from, so a form can show the need next to it. */
const RISK_FIELD: Partial<Record<Risk, string>> = {
  'unsigned-templates': 'templateUnsigned',
  'template-source': 'templateSource',
}
const riskField = (risk: Risk): string => RISK_FIELD[risk] ?? 'connectionUri'
