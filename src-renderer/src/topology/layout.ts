// Automatic layout of the topology with ELK (layered, left to right: host, networks, VMs grouped by lab).
// ELK runs in a Web Worker (elkjs's own elk-worker), so a big graph never blocks the page; where a worker
// cannot start (a file:// page that refuses workers), the same layout runs in the page instead.
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api'
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url'
import { SIZES, type Shape } from './graph'

export interface Positioned {
  id: string
  x: number
  y: number
  width: number
  height: number
}

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

/** Whether the last layout ran in the worker (shown to the benchmark). */
export const layoutInWorker = () => usingWorker

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.componentComponent': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
}

/** A group's VMs in a grid (filled column by column), inside the group's frame with room for its title. */
const GRID = { top: 44, side: 16, bottom: 16, gapX: 20, gapY: 16 }

interface Grid {
  width: number
  height: number
  cells: Map<string, { x: number; y: number }>
}

function grid(ids: string[]): Grid {
  const { width: w, height: h } = SIZES.domain
  const n = ids.length
  const rows = Math.max(1, Math.min(n, Math.max(8, Math.ceil(Math.sqrt(2 * n)))))
  const cols = Math.max(1, Math.ceil(n / rows))
  const cells = new Map<string, { x: number; y: number }>()
  ids.forEach((id, i) => {
    const col = Math.floor(i / rows)
    const row = i % rows
    cells.set(id, { x: GRID.side + col * (w + GRID.gapX), y: GRID.top + row * (h + GRID.gapY) })
  })
  return {
    width: GRID.side * 2 + cols * w + (cols - 1) * GRID.gapX,
    height: GRID.top + GRID.bottom + Math.min(n, rows) * h + (Math.min(n, rows) - 1) * GRID.gapY,
    cells,
  }
}

/** ELK lays out the top level (host, networks, VMs outside groups, groups as fixed-size boxes); each
 * group's VMs are placed in a grid, ordered by their first network so lines cross less. */
function plan(shape: Shape): { graph: ElkNode; grids: Map<string, Grid> } {
  const members = new Map<string, string[]>()
  const parentOf = new Map<string, string>()
  const firstNet = new Map<string, number>()
  for (const e of shape.edges)
    if (!firstNet.has(e.target) || firstNet.get(e.target)! > e.index) firstNet.set(e.target, e.index)
  for (const n of shape.nodes)
    if (n.kind === 'domain' && n.parent) {
      members.set(n.parent, [...(members.get(n.parent) ?? []), n.id])
      parentOf.set(n.id, n.parent)
    }
  const grids = new Map<string, Grid>()
  for (const [group, ids] of members) {
    ids.sort((a, b) => (firstNet.get(a) ?? -1) - (firstNet.get(b) ?? -1) || a.localeCompare(b))
    grids.set(group, grid(ids))
  }
  const children: ElkNode[] = []
  for (const n of shape.nodes) {
    if (n.kind === 'lab' || n.kind === 'others') {
      const g = grids.get(n.id)
      children.push({ id: n.id, width: g?.width ?? 200, height: g?.height ?? 80 })
    } else if (!(n.kind === 'domain' && n.parent)) {
      const size = SIZES[n.kind]
      children.push({ id: n.id, width: size.width, height: size.height })
    }
  }
  const seen = new Set<string>()
  const edges: ElkExtendedEdge[] = []
  for (const e of shape.edges) {
    const target = parentOf.get(e.target) ?? e.target
    const id = `${e.source}>${target}`
    if (seen.has(id)) continue
    seen.add(id)
    edges.push({ id, sources: [e.source], targets: [target] })
  }
  return { graph: { id: 'root', layoutOptions: ROOT_OPTIONS, children, edges }, grids }
}

function positions(result: ElkNode, grids: Map<string, Grid>): Positioned[] {
  const out: Positioned[] = []
  const { width: w, height: h } = SIZES.domain
  for (const c of result.children ?? []) {
    out.push({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 })
    for (const [id, cell] of grids.get(c.id)?.cells ?? []) out.push({ id, ...cell, width: w, height: h })
  }
  return out
}

/** Start the layout engine early (the worker loads and compiles ELK, ~1.6 MB), so the first real layout
 * does not wait for it. */
export function warmLayout(): void {
  void layout({ key: 'warm-up', nodes: [{ id: 'host', kind: 'host' }], edges: [] }).catch(() => {})
}

/** Positions of every node (relative to its group, as React Flow wants for children). */
export async function layout(shape: Shape): Promise<Positioned[]> {
  const { graph, grids } = plan(shape)
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
  let result: ElkNode
  try {
    const engine = await elk
    result = usingWorker
      ? await Promise.race([engine.layout(graph), workerFailed])
      : await engine.layout(graph)
  } catch (error) {
    if (!usingWorker) throw error
    elk = pageElk()
    result = await (await elk).layout(graph)
  }
  return positions(result, grids)
}
