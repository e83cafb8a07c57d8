// The layout pump: feeds the topology's shapes to the layout engine. It waits for a short quiet spell before
// laying out (events come in bursts: a lab's VMs defined one after another), runs one layout at a time,
// lets the newest shape win while one runs, lets a burst settle between layouts (a lab of 50 VMs defined one
// by one costs a handful of layouts, not fifty), and never lays out a shape whose key it has laid out
// already (a VM changing state keeps the key). Every finished layout is reported, so VMs appear in steps.
// Plain TypeScript: the layout and the clock are given, so a unit test drives it with real ELK.
import type { Positioned } from './elk-plan'
import type { Shape } from './graph'

/** A shape with its positions, and how long the layout took (milliseconds, worker round trip). */
export interface Laid {
  shape: Shape
  positions: Positioned[]
  ms: number
}

export interface PumpClock {
  /** Run `fn` after `ms` milliseconds; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void
  now(): number
}

export interface PumpSink {
  laid(laid: Laid): void
  failed(message: string): void
  busy(busy: boolean): void
}

/** Quiet spell before a layout starts. */
export const QUIET_MS = 40
/** Pause between two layouts when more changes came in during the first. */
export const SETTLE_MS = 300

const realClock: PumpClock = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms)
    return () => clearTimeout(timer)
  },
  now: () => performance.now(),
}

export class LayoutPump {
  private latest: Shape | null = null
  private doneKey: string | null = null
  private running = false
  private stopped = false
  private cancelQuiet: (() => void) | null = null

  constructor(
    private readonly layout: (shape: Shape) => Promise<Positioned[]>,
    private readonly sink: PumpSink,
    private readonly clock: PumpClock = realClock,
  ) {}

  /** The topology's current shape; laid out after a quiet spell unless its key is laid out already. */
  push(shape: Shape): void {
    if (this.stopped) return
    this.latest = shape
    this.cancelQuiet?.()
    this.cancelQuiet = null
    if (this.doneKey === shape.key) return
    this.cancelQuiet = this.clock.after(QUIET_MS, () => {
      this.cancelQuiet = null
      void this.pump()
    })
  }

  /** No more layouts and no more reports (the page is gone). */
  stop(): void {
    this.stopped = true
    this.cancelQuiet?.()
    this.cancelQuiet = null
  }

  private pending(): Shape | null {
    return !this.stopped && this.latest && this.latest.key !== this.doneKey ? this.latest : null
  }

  private async pump(): Promise<void> {
    // A layout in progress picks the newest shape up when it ends.
    if (this.running || !this.pending()) return
    this.running = true
    this.sink.busy(true)
    try {
      for (let target = this.pending(); target; target = this.pending()) {
        const started = this.clock.now()
        try {
          const positions = await this.layout(target)
          if (!this.stopped) this.sink.laid({ shape: target, positions, ms: this.clock.now() - started })
        } catch (error) {
          if (!this.stopped) this.sink.failed((error as Error).message)
        }
        this.doneKey = target.key
        if (this.pending()) await new Promise<void>((resolve) => this.clock.after(SETTLE_MS, resolve))
      }
    } finally {
      this.running = false
      if (!this.stopped) this.sink.busy(false)
    }
  }
}
