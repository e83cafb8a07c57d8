// Where the topology's ELK runs: in a Web Worker (elkjs's own elk-worker), so a big graph never blocks the
// page; where a worker cannot start (a file:// page that refuses workers), the same layout runs in the page
// instead. What ELK is asked, and how its answer becomes positions, is elk-plan.ts.
import ELK from 'elkjs/lib/elk-api'
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url'
import { layoutWith, type Positioned } from './elk-plan'
import type { Shape } from './graph'

type Elk = InstanceType<typeof ELK>

let elk: Promise<Elk> | null = null
let usingWorker = true
/** Rejects when the worker fails to load or crashes (elk-api itself would wait forever). */
let workerFailed: Promise<never> = new Promise(() => {})

function workerElk(): Elk {
  return new ELK({
    workerFactory: () => {
      const worker = new Worker(elkWorkerUrl)
      workerFailed = new Promise((_, reject) =>
        worker.addEventListener('error', (e) => reject(new Error(`layout worker failed: ${e.message}`))),
      )
      workerFailed.catch(() => {})
      return worker
    },
  })
}

async function pageElk(): Promise<Elk> {
  usingWorker = false
  const mod = await import('elkjs/lib/elk.bundled.js')
  return new mod.default()
}

/** Start the layout engine early (the worker loads and compiles ELK, ~1.6 MB), so the first real layout
 * does not wait for it. */
export function warmLayout(): void {
  void layout({ key: 'warm-up', nodes: [{ id: 'host', kind: 'host' }], edges: [] }).catch(() => {})
}

/** Positions of every node (relative to its group, as React Flow wants for children). */
export async function layout(shape: Shape): Promise<Positioned[]> {
  if (!elk) {
    // `?layout=page` runs ELK in the page: only for the benchmark's comparison of the two.
    if (new URLSearchParams(globalThis.location?.search).get('layout') === 'page') elk = pageElk()
    else
      try {
        elk = Promise.resolve(workerElk())
      } catch {
        elk = pageElk()
      }
  }
  try {
    const engine = await elk
    return usingWorker
      ? await Promise.race([layoutWith(engine, shape), workerFailed])
      : await layoutWith(engine, shape)
  } catch (error) {
    if (!usingWorker) throw error
    elk = pageElk()
    return layoutWith(await elk, shape)
  }
}
