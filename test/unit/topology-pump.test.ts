// The topology's layout pump, driven with real ELK (elkjs runs in Node with the same elk-api and worker
// script the page's Web Worker runs) and a clock the test moves by hand: a burst of changes costs one
// layout, changes during a layout are settled and the newest wins, a state change never lays out again,
// a failed layout is reported without stopping the pump, and a stopped pump reports nothing. Then what the
// diagram keeps between two layouts: the sizes React Flow measured for the boxes that stay.
import ELK from 'elkjs'
import { describe, expect, it } from 'vitest'
import type { DomainInfo } from '../../src-shared/libvirt'
import { layoutWith, type Positioned } from '../../src-renderer/src/topology/elk-plan'
import { allMeasured, keepMeasured, toFlow } from '../../src-renderer/src/topology/flow'
import { buildShape, type Shape } from '../../src-renderer/src/topology/graph'
import {
  LayoutPump,
  QUIET_MS,
  SETTLE_MS,
  type Laid,
  type PumpClock,
} from '../../src-renderer/src/topology/pump'
import { domain, lab, network } from './topology-fixtures'

/** A clock whose timers run only when the test fires them. */
class HandClock implements PumpClock {
  private time = 0
  private readonly timers = new Set<{ ms: number; fn: () => void }>()
  private readonly watchers = new Set<() => void>()

  after(ms: number, fn: () => void): () => void {
    const timer = { ms, fn }
    this.timers.add(timer)
    for (const w of this.watchers) w()
    return () => this.timers.delete(timer)
  }
  now(): number {
    return this.time
  }
  /** The delays of the timers set and not run or cancelled yet. */
  pending(): number[] {
    return [...this.timers].map((t) => t.ms)
  }
  /** Move time on by `ms` and run the timers of that delay. */
  fire(ms: number): void {
    this.time += ms
    for (const t of [...this.timers])
      if (t.ms === ms) {
        this.timers.delete(t)
        t.fn()
      }
  }
  /** Resolves once a timer of `ms` is set. */
  timerSet(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.pending().includes(ms)) return
        this.watchers.delete(check)
        resolve()
      }
      this.watchers.add(check)
      check()
    })
  }
}

/** A pump over real ELK, with what it reported and what it asked ELK. */
function setup(fail?: (shape: Shape) => boolean) {
  const elk = new ELK()
  const clock = new HandClock()
  const asked: Shape[] = []
  const running: Promise<Positioned[]>[] = []
  const laid: Laid[] = []
  const failed: string[] = []
  const busy: boolean[] = []
  const waiters = new Set<() => void>()
  const changed = () => waiters.forEach((w) => w())
  const pump = new LayoutPump(
    (shape) => {
      asked.push(shape)
      const layout = fail?.(shape) ? layoutWith(elk, broken(shape)) : layoutWith(elk, shape)
      running.push(layout)
      return layout
    },
    {
      laid: (l) => (laid.push(l), changed()),
      failed: (m) => (failed.push(m), changed()),
      busy: (b) => (busy.push(b), changed()),
    },
    clock,
  )
  /** Resolves when `done` holds, checked after every report of the pump. */
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!done()) return
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
      check()
    })
  return { pump, clock, asked, running, laid, failed, busy, until }
}

/** The shape with a line to a box that is not in it: ELK itself refuses it. */
const broken = (shape: Shape): Shape => ({
  ...shape,
  edges: [...shape.edges, { id: 'e:ghost', source: 'host', target: 'net:ghost', network: 'ghost', index: 0 }],
})

const networks = { default: network('default'), mgmt: network('mgmt', 'isolated') }
/** The seeds' lab plus `extra` VMs outside it, all in `state`. */
function shapeOf(extra: number, state: DomainInfo['state'] = 'running'): Shape {
  const domains: Record<string, DomainInfo> = {
    'demo-controller': domain('demo-controller', ['default', 'mgmt'], state),
    'demo-compute1': domain('demo-compute1', ['mgmt'], state),
  }
  for (let i = 0; i < extra; i++) domains[`vm${i}`] = domain(`vm${i}`, ['default'], state)
  return buildShape(domains, networks, [lab])
}

const at = (laid: Laid, id: string) => laid.positions.find((p) => p.id === id)!

describe('layout pump', () => {
  it('lays a shape out with real ELK once changes are quiet: host, networks, then VMs in their lab', async () => {
    const { pump, clock, asked, laid, busy, until } = setup()
    const shape = shapeOf(2)
    pump.push(shape)
    expect(clock.pending()).toEqual([QUIET_MS])
    expect(asked).toHaveLength(0)
    clock.fire(QUIET_MS)
    await until(() => busy.length === 2)
    expect(busy).toEqual([true, false])
    expect(laid).toHaveLength(1)
    const result = laid[0]!
    expect(result.shape).toBe(shape)
    expect(result.positions.map((p) => p.id).sort()).toEqual(shape.nodes.map((n) => n.id).sort())
    // Left to right: the host, its networks, then the lab's frame and the loose VMs.
    const host = at(result, 'host')
    for (const net of ['net:default', 'net:mgmt']) expect(at(result, net).x).toBeGreaterThan(host.x)
    expect(at(result, 'lab:demo').x).toBeGreaterThan(at(result, 'net:mgmt').x)
    expect(at(result, 'dom:vm0').x).toBeGreaterThan(at(result, 'net:default').x)
    // The lab's VMs are placed inside its frame (positions relative to it).
    const frame = at(result, 'lab:demo')
    for (const vm of ['dom:demo-controller', 'dom:demo-compute1']) {
      const p = at(result, vm)
      expect(p.x).toBeGreaterThanOrEqual(0)
      expect(p.y).toBeGreaterThanOrEqual(0)
      expect(p.x + p.width).toBeLessThanOrEqual(frame.width)
      expect(p.y + p.height).toBeLessThanOrEqual(frame.height)
    }
  })

  it('a burst of changes within the quiet spell costs one layout, of the newest shape', async () => {
    const { pump, clock, asked, laid, until } = setup()
    const shapes = Array.from({ length: 20 }, (_, i) => shapeOf(i + 1))
    for (const shape of shapes) {
      pump.push(shape)
      // Each change restarts the quiet spell: one timer, never twenty.
      expect(clock.pending()).toEqual([QUIET_MS])
    }
    clock.fire(QUIET_MS)
    await until(() => laid.length === 1)
    expect(asked).toEqual([shapes.at(-1)])
    expect(laid[0]!.positions.filter((p) => p.id.startsWith('dom:vm'))).toHaveLength(20)
  })

  it('a VM changing state keeps the shape: no new layout', async () => {
    const { pump, clock, asked, laid, until } = setup()
    pump.push(shapeOf(1))
    clock.fire(QUIET_MS)
    await until(() => laid.length === 1)
    pump.push(shapeOf(1, 'shutoff'))
    pump.push(shapeOf(1, 'paused'))
    expect(clock.pending()).toEqual([])
    expect(asked).toHaveLength(1)
    // A new VM is a new shape.
    pump.push(shapeOf(2))
    expect(clock.pending()).toEqual([QUIET_MS])
  })

  it('changes during a layout settle first, then the newest is laid out and the ones between are skipped', async () => {
    const { pump, clock, asked, laid, busy, until } = setup()
    const [a, b, c] = [shapeOf(1), shapeOf(2), shapeOf(3)]
    pump.push(a)
    clock.fire(QUIET_MS)
    expect(asked).toEqual([a]) // in ELK now
    pump.push(b)
    clock.fire(QUIET_MS)
    pump.push(c)
    clock.fire(QUIET_MS)
    expect(asked).toEqual([a]) // one layout at a time
    await until(() => laid.length === 1)
    expect(laid[0]!.shape).toBe(a) // every finished layout is shown
    await clock.timerSet(SETTLE_MS)
    expect(asked).toEqual([a])
    clock.fire(SETTLE_MS)
    await until(() => laid.length === 2)
    expect(asked).toEqual([a, c])
    expect(laid[1]!.shape).toBe(c)
    await until(() => busy.length === 2)
    expect(busy).toEqual([true, false])
    expect(clock.pending()).toEqual([])
  })

  it('a layout ELK refuses is reported, and the next change is laid out', async () => {
    const bad = shapeOf(1)
    const { pump, clock, laid, failed, until } = setup((shape) => shape === bad)
    pump.push(bad)
    clock.fire(QUIET_MS)
    await until(() => failed.length === 1)
    expect(failed[0]).toMatch(/ghost/)
    expect(laid).toHaveLength(0)
    const good = shapeOf(2)
    pump.push(good)
    clock.fire(QUIET_MS)
    await until(() => laid.length === 1)
    expect(laid[0]!.shape).toBe(good)
  })

  it('once stopped (the page is gone), a layout that ends reports nothing and no new one starts', async () => {
    const { pump, clock, asked, running, laid, busy } = setup()
    pump.push(shapeOf(1))
    clock.fire(QUIET_MS)
    pump.push(shapeOf(2))
    pump.stop()
    expect(clock.pending()).toEqual([])
    await running[0]
    await Promise.resolve()
    expect(laid).toEqual([])
    expect(busy).toEqual([true])
    pump.push(shapeOf(3))
    expect(clock.pending()).toEqual([])
    expect(asked).toHaveLength(1)
  })
})

describe('diagram nodes between layouts', () => {
  it('boxes that stay keep the size React Flow measured; a new box waits for its own', async () => {
    const { pump, clock, laid, until } = setup()
    pump.push(shapeOf(1))
    clock.fire(QUIET_MS)
    await until(() => laid.length === 1)
    const shown = toFlow(laid[0]!).nodes.map((n) => ({ ...n, measured: { width: 230, height: 84 } }))
    expect(allMeasured(shown)).toBe(true)

    pump.push(shapeOf(2))
    clock.fire(QUIET_MS)
    await until(() => laid.length === 2)
    const next = keepMeasured(shown, toFlow(laid[1]!).nodes)
    expect(next.find((n) => n.id === 'dom:vm0')!.measured).toEqual({ width: 230, height: 84 })
    expect(next.find((n) => n.id === 'dom:vm1')!.measured).toBeUndefined()
    // The new layout's positions, not the old ones.
    expect(next.find((n) => n.id === 'dom:vm1')!.position).toEqual({
      x: at(laid[1]!, 'dom:vm1').x,
      y: at(laid[1]!, 'dom:vm1').y,
    })
    expect(allMeasured(next)).toBe(false)
    const measuredAll = next.map((n) => ({ ...n, measured: n.measured ?? { width: 230, height: 84 } }))
    expect(allMeasured(measuredAll)).toBe(true)
  })
})
