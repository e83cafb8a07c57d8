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
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.componentComponent': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
}

function toElk(shape: Shape): ElkNode {
  const children = new Map<string, ElkNode[]>()
  const top: ElkNode[] = []
  const groups = new Map<string, ElkNode>()
  for (const n of shape.nodes) {
    if (n.kind === 'lab') {
      const group: ElkNode = {
        id: n.id,
        children: [],
        layoutOptions: { 'elk.padding': '[top=40,left=16,bottom=16,right=16]' },
      }
      groups.set(n.id, group)
      top.push(group)
      continue
    }
    const size = SIZES[n.kind]
    const node: ElkNode = { id: n.id, width: size.width, height: size.height }
    if (n.kind === 'domain' && n.parent) {
      const list = children.get(n.parent) ?? []
      list.push(node)
      children.set(n.parent, list)
    } else top.push(node)
  }
  for (const [id, list] of children) groups.get(id)!.children = list
  const edges: ElkExtendedEdge[] = shape.edges.map((e) => ({
    id: e.id,
    sources: [e.source],
    targets: [e.target],
  }))
  return { id: 'root', layoutOptions: ROOT_OPTIONS, children: top, edges }
}

function flatten(node: ElkNode, out: Positioned[]): void {
  for (const c of node.children ?? []) {
    out.push({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 })
    flatten(c, out)
  }
}

/** Start the layout engine early (the worker loads and compiles ELK, ~1.6 MB), so the first real layout
 * does not wait for it. */
export function warmLayout(): void {
  void layout({ key: 'warm-up', nodes: [{ id: 'host', kind: 'host' }], edges: [] }).catch(() => {})
}

/** Positions of every node (relative to its group, as React Flow wants for children). */
export async function layout(shape: Shape): Promise<Positioned[]> {
  const graph = toElk(shape)
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
  const out: Positioned[] = []
  flatten(result, out)
  return out
}
