// The engine's live picture of one libvirt connection: filled by a full read, kept current by the event
// stream (one re-read of the object an event names), resynced after a reconnect. Changes go out as typed
// engine events; nothing polls per VM. Each object is applied on its own: one whose payload fails the
// contract is logged and left out, and never stops the others from arriving.
import type { ConnectionState, DomainInfo, NetworkInfo } from '../../../src-shared/libvirt'
import type { EventBus } from '../events'
import type { Run } from '../exec'
import type { Logger } from '../log'
import { LibvirtError } from './errors'
import { LibvirtWatcher, type LifecycleEvent } from './events'
import { readAll, readDomain, readNetworks } from './refresh'
import { createVirsh, type Virsh } from './virsh'

export class LibvirtService {
  readonly virsh: Virsh
  private readonly domains = new Map<string, DomainInfo>()
  private readonly networks = new Map<string, NetworkInfo>()
  private readonly watcher: LibvirtWatcher
  private connection: ConnectionState
  private readonly pending = new Map<string, NodeJS.Timeout>()
  private queue: Promise<void> = Promise.resolve()

  constructor(
    run: Run,
    readonly uri: string,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    this.virsh = createVirsh(run, uri)
    this.connection = { uri, state: 'connecting', detail: '' }
    this.watcher = new LibvirtWatcher(
      run,
      uri,
      {
        onEvent: (e) => this.onEvent(e),
        onConnected: () => {
          this.setConnection('connected', '')
          void this.serial(async () => {
            await this.resync()
          })
        },
        onLost: (detail) => this.setConnection('lost', detail),
      },
      logger,
    )
  }

  start(): void {
    this.watcher.start()
  }

  stop(): Promise<void> {
    for (const t of this.pending.values()) clearTimeout(t)
    return this.watcher.stop()
  }

  state(): ConnectionState {
    return { ...this.connection }
  }

  private setConnection(state: ConnectionState['state'], detail: string): void {
    if (this.connection.state === state && this.connection.detail === detail) return
    this.connection = { uri: this.uri, state, detail }
    this.bus.emit('libvirt.connection', this.state())
  }

  /** Work on the picture one piece at a time, in order. */
  private serial(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.logger.log('warn', 'libvirt refresh failed', {
        uri: this.uri,
        error: String((error as Error).message ?? error),
      })
    })
    return this.queue
  }

  /** Read everything and announce what changed. */
  async resync(): Promise<{ domains: DomainInfo[]; networks: NetworkInfo[] }> {
    const picture = await readAll(this.virsh)
    this.applyNetworks(picture.networks)
    const seen = new Set<string>()
    for (const d of picture.domains) {
      seen.add(d.name)
      this.applyDomain(d)
    }
    for (const name of [...this.domains.keys()]) if (!seen.has(name)) this.removeDomain(name)
    return picture
  }

  /** Announce one change; a payload the contract refuses is logged and dropped (and read again next time). */
  private announce(what: string, name: string, send: () => void): boolean {
    try {
      send()
      return true
    } catch (error) {
      this.logger.log('warn', 'libvirt object left out: its payload fails the contract', {
        uri: this.uri,
        what,
        name,
        error: String((error as Error).message ?? error).slice(0, 2000),
      })
      return false
    }
  }

  private applyDomain(d: DomainInfo): void {
    const old = this.domains.get(d.name)
    if (old && JSON.stringify(old) === JSON.stringify(d)) return
    if (this.announce('domain', d.name, () => this.bus.emit('libvirt.domain', { uri: this.uri, domain: d })))
      this.domains.set(d.name, d)
    else this.domains.delete(d.name)
  }

  private removeDomain(name: string): void {
    if (this.domains.delete(name))
      this.announce('domainRemoved', name, () =>
        this.bus.emit('libvirt.domainRemoved', { uri: this.uri, name }),
      )
  }

  private applyNetworks(list: NetworkInfo[]): void {
    const seen = new Set<string>()
    for (const n of list) {
      seen.add(n.name)
      const old = this.networks.get(n.name)
      if (old && JSON.stringify(old) === JSON.stringify(n)) continue
      if (
        this.announce('network', n.name, () =>
          this.bus.emit('libvirt.network', { uri: this.uri, network: n }),
        )
      )
        this.networks.set(n.name, n)
      else this.networks.delete(n.name)
    }
    for (const name of [...this.networks.keys()]) {
      if (!seen.has(name)) {
        this.networks.delete(name)
        this.announce('networkRemoved', name, () =>
          this.bus.emit('libvirt.networkRemoved', { uri: this.uri, name }),
        )
      }
    }
  }

  private onEvent(e: LifecycleEvent): void {
    this.announce('lifecycle', e.name, () => this.bus.emit('libvirt.lifecycle', { uri: this.uri, ...e }))
    // Events come in bursts (Suspended + Resumed, Stopped + Undefined): re-read once per short quiet spell.
    const key = `${e.object}:${e.name}`
    clearTimeout(this.pending.get(key))
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key)
        void this.serial(() => (e.object === 'domain' ? this.refreshDomain(e.name) : this.refreshNetworks()))
      }, 20),
    )
  }

  /**
   * Re-read the domain an event named: by its UUID when it is known (one virsh process), else by name. A name
   * that is neither known nor found (a name misread from an event line, a rename) means: read everything.
   */
  async refreshDomain(name: string): Promise<void> {
    const known = this.domains.get(name)
    const networks = [...this.networks.values()]
    const read = async (ref: { uuid: string } | { name: string }) => {
      try {
        return await readDomain(this.virsh, ref, { networks })
      } catch (error) {
        if (error instanceof LibvirtError && error.kind === 'not-found') return null
        throw error
      }
    }
    // Undefined and defined again under the same name: a new UUID, found by name.
    const d = (known && (await read({ uuid: known.uuid }))) || (await read({ name }))
    if (d) {
      if (d.name !== name) this.removeDomain(name)
      this.applyDomain(d)
    } else if (known) this.removeDomain(name)
    else await this.resync()
  }

  async refreshNetworks(): Promise<void> {
    this.applyNetworks(await readNetworks(this.virsh))
  }
}
