// Live libvirt events: one long-lived `virsh event --all --loop` (domains) and one `virsh net-event --all
// --loop` (networks) per connection, parsed into typed events. When libvirtd goes away the streams end;
// the watcher reconnects with backoff and tells its owner to resync.
import type { Run } from '../exec'
import type { Logger } from '../log'
import { createVirsh } from './virsh'
import { LibvirtError } from './errors'

export interface LifecycleEvent {
  object: 'domain' | 'network'
  name: string
  /** For lifecycle events the first word (Started, Stopped, Suspended, Defined...); else the event type. */
  event: string
  detail: string
}

// virsh quotes domain names but not network names: "for domain 'vm1': Started Booted" / "for network
// default: Started". A name may itself hold quotes or ": " (libvirt allows both). Lifecycle details never
// do, so a lifecycle line's name runs to its last "': " (domains) or last ": " (networks); for other domain
// events the shortest name that leaves a well-formed rest is taken. The service re-reads everything when a
// name it is told does not exist, so a misread name costs a resync, never a wrong picture.
const HEAD = /event '([\w-]+)' for (domain|network) (.*)$/

export function parseEventLine(raw: string): LifecycleEvent | null {
  const line = raw.replace(/\r$/, '')
  const m = HEAD.exec(line)
  if (!m) return null
  const [, type, object, rest] = m as unknown as [string, string, 'domain' | 'network', string]
  let name: string
  let tail: string
  if (object === 'domain') {
    const parts = type === 'lifecycle' ? /^'(.*)'(?:: (.*))?$/.exec(rest) : /^'(.*?)'(?:: (.*))?$/.exec(rest)
    if (!parts) return null
    name = parts[1]!
    tail = parts[2] ?? ''
  } else {
    const parts = /^(.*): (.*)$/.exec(rest)
    name = parts ? parts[1]! : rest
    tail = parts ? parts[2]! : ''
  }
  if (type === 'lifecycle') {
    const [event = 'Unknown', ...detail] = tail.trim().split(/\s+/)
    return { object, name, event, detail: detail.join(' ') }
  }
  return { object, name, event: type, detail: tail.trim() }
}

export interface WatcherHandlers {
  onEvent(event: LifecycleEvent): void
  /** The streams are up (first time or after a reconnect): time to read everything again. */
  onConnected(): void
  onLost(detail: string): void
}

export class LibvirtWatcher {
  private stopped = false
  private abort: AbortController | null = null
  private wake: (() => void) | null = null
  private loop: Promise<void> | null = null

  constructor(
    private readonly run: Run,
    readonly uri: string,
    private readonly handlers: WatcherHandlers,
    private readonly logger: Logger,
    private readonly backoff = { firstMs: 250, maxMs: 5000 },
  ) {}

  start(): void {
    if (!this.loop) this.loop = this.main()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.abort?.abort()
    this.wake?.()
    await this.loop
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms)
      this.wake = () => {
        clearTimeout(t)
        resolve()
      }
    })
  }

  private async main(): Promise<void> {
    const virsh = createVirsh(this.run, this.uri)
    let attempt = 0
    while (!this.stopped) {
      try {
        await virsh(['uri'], { timeoutMs: 10_000 })
      } catch (error) {
        const detail = error instanceof LibvirtError ? error.detail || error.message : String(error)
        this.handlers.onLost(detail)
        await this.sleep(Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** attempt++))
        continue
      }
      // stop() may have come while the probe ran: start no stream that nobody would end.
      if (this.stopped) break
      const abort = (this.abort = new AbortController())
      const onLine = (line: string) => {
        const event = parseEventLine(line)
        if (event) this.handlers.onEvent(event)
      }
      const stream = (args: string[]) =>
        this.run('virsh', ['--connect', this.uri, ...args, '--loop'], {
          timeoutMs: 0,
          signal: abort.signal,
          env: { LC_ALL: 'C' },
          onStdoutLine: onLine,
        })
      // Settled outcomes, handled from the start: a stream that fails at once must not go unobserved.
      const streams = [stream(['event', '--all']), stream(['net-event', '--event', 'lifecycle'])].map((s) =>
        s.then(
          () => 'exited',
          (e: unknown) => String((e as Error).message ?? e),
        ),
      )
      // Let both streams register before reading state, so no change falls between the two.
      await this.sleep(100)
      if (this.stopped) break
      attempt = 0
      this.handlers.onConnected()
      const ended = await Promise.race(streams)
      abort.abort()
      await Promise.all(streams)
      if (this.stopped) break
      this.logger.log('warn', 'libvirt event stream ended; reconnecting', { uri: this.uri, ended })
      this.handlers.onLost('the connection to libvirt was lost')
      await this.sleep(Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** attempt++))
    }
  }
}
