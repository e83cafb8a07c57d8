// From a laid-out shape to React Flow's nodes and edges, and keeping what React Flow measured of the boxes
// that stay when a new layout arrives (it reports a size only when one changes).
import type { Edge, Node } from '@xyflow/react'
import { networkColor } from './graph'
import type { Laid } from './pump'

export function toFlow(laid: Laid): { nodes: Node[]; edges: Edge[] } {
  const pos = new Map(laid.positions.map((p) => [p.id, p]))
  const nodes: Node[] = []
  for (const n of laid.shape.nodes) {
    const p = pos.get(n.id)
    if (!p) continue
    const base = { id: n.id, position: { x: p.x, y: p.y }, draggable: false, selectable: false }
    if (n.kind === 'host') nodes.push({ ...base, type: 'host', data: {} })
    else if (n.kind === 'network') nodes.push({ ...base, type: 'network', data: { name: n.name } })
    else if (n.kind === 'bridge') nodes.push({ ...base, type: 'bridge', data: { name: n.name } })
    else if (n.kind === 'lab' || n.kind === 'others')
      nodes.push({
        ...base,
        type: 'lab',
        data: { name: n.kind === 'lab' ? n.name : null },
        style: { width: p.width, height: p.height },
        width: p.width,
        height: p.height,
      })
    else
      nodes.push({
        ...base,
        type: 'domain',
        data: { name: n.name },
        ...(n.parent ? { parentId: n.parent, extent: 'parent' as const } : {}),
      })
  }
  const edges: Edge[] = laid.shape.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    focusable: false,
    selectable: false,
    className: e.source === 'host' ? 'edge-host' : 'edge-nic',
    ...(e.source === 'host' ? {} : { style: { stroke: networkColor(e.index) } }),
  }))
  return { nodes: inVisualOrder(nodes), edges }
}

/** Left edge, then top: the diagram reads left to right (host, networks, VMs), each column top down. */
const byPlace = (a: Node, b: Node) => a.position.x - b.position.x || a.position.y - b.position.y

/** The boxes in the order the eye reads them, which is the order they are in the DOM and so the order Tab
 * visits them: the top-level boxes by place, and a lab's VMs right after its frame, by place within it
 * (their positions are relative to it). A frame before its VMs is also what React Flow needs. */
export function inVisualOrder(nodes: Node[]): Node[] {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const top = (n: Node) => (n.parentId && byId.get(n.parentId)) || n
  return [...nodes].sort((a, b) => {
    const ta = top(a)
    const tb = top(b)
    if (ta !== tb) return byPlace(ta, tb)
    if (a === ta) return -1
    if (b === tb) return 1
    return byPlace(a, b)
  })
}

/** The next layout's nodes, each box that stays keeping the size React Flow measured for it. */
export function keepMeasured(current: Node[], next: Node[]): Node[] {
  const measured = new Map(current.map((n) => [n.id, n.measured]))
  return next.map((n) => {
    const m = measured.get(n.id)
    return m ? { ...n, measured: m } : n
  })
}

/** Every box of the layout is in the DOM and measured (the moment to fit the view). */
export function allMeasured(nodes: Node[]): boolean {
  return nodes.length > 0 && nodes.every((n) => n.measured?.width)
}
