// What ELK is asked for a topology shape (layered, left to right: host, networks, VMs grouped by lab), and how
// its answer becomes positions. Pure: any ELK instance lays it out (the app's runs in a Web Worker, the unit
// tests' in Node).
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api'
import { OTHERS_ID, SIZES, type Shape } from './graph'

export interface Positioned {
  id: string
  x: number
  y: number
  width: number
  height: number
}

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  // Columns close enough that the fitted diagram keeps its text readable beside the details panel.
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.componentComponent': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
}

/** A group's VMs in a grid (filled column by column), inside the group's frame with room for its title (and,
 * on a lab's frame, a row for its start all / stop all buttons under the title). */
const GRID = { top: 44, labTop: 80, side: 16, bottom: 16, gapX: 20, gapY: 16 }

interface Grid {
  width: number
  height: number
  cells: Map<string, { x: number; y: number }>
}

function grid(ids: string[], top: number): Grid {
  const { width: w, height: h } = SIZES.domain
  const n = ids.length
  const rows = Math.max(1, Math.min(n, Math.max(8, Math.ceil(Math.sqrt(2 * n)))))
  const cols = Math.max(1, Math.ceil(n / rows))
  const cells = new Map<string, { x: number; y: number }>()
  ids.forEach((id, i) => {
    const col = Math.floor(i / rows)
    const row = i % rows
    cells.set(id, { x: GRID.side + col * (w + GRID.gapX), y: top + row * (h + GRID.gapY) })
  })
  return {
    width: GRID.side * 2 + cols * w + (cols - 1) * GRID.gapX,
    height: top + GRID.bottom + Math.min(n, rows) * h + (Math.min(n, rows) - 1) * GRID.gapY,
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
    grids.set(group, grid(ids, group === OTHERS_ID ? GRID.top : GRID.labTop))
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

/** Lay `shape` out with `elk`: positions of every node (relative to its group, as React Flow wants for
 * children). */
export async function layoutWith(
  elk: { layout(graph: ElkNode): Promise<ElkNode> },
  shape: Shape,
): Promise<Positioned[]> {
  const { graph, grids } = plan(shape)
  return positions(await elk.layout(graph), grids)
}
