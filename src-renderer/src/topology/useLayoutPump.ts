// The layout pump (pump.ts) as React hooks: the topology's shape in, the latest layout out (with whether one
// is running and the last error); and the diagram's nodes for each layout, keeping what React Flow measured
// of the boxes that stay.
import { applyNodeChanges, type Node, type NodeChange } from '@xyflow/react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Shape } from './graph'
import { layout } from './layout'
import { LayoutPump, type Laid } from './pump'
import { allMeasured, keepMeasured, toFlow } from './flow'

/** Lay out the latest shape whenever its key changes (see LayoutPump). */
export function useLayoutPump(shape: Shape): { laid: Laid | null; busy: boolean; error: string | null } {
  const [laid, setLaid] = useState<Laid | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const pump = useRef<LayoutPump | null>(null)
  useEffect(() => {
    const p = new LayoutPump(layout, {
      laid: (next) => {
        setLaid(next)
        setError(null)
      },
      failed: setError,
      busy: setBusy,
    })
    pump.current = p
    return () => {
      p.stop()
      pump.current = null
    }
  }, [])
  useEffect(() => pump.current?.push(shape), [shape])
  return { laid, busy, error }
}

/** React Flow's nodes and edges for `laid`; React Flow writes each node's measured size back through
 * `onNodesChange`, and the layout is `ready` once every box of it is measured. */
export function useMeasuredNodes(laid: Laid) {
  const flow = useMemo(() => toFlow(laid), [laid])
  const [nodes, setNodes] = useState<Node[]>(flow.nodes)
  const [shownKey, setShownKey] = useState(laid.shape.key)
  if (shownKey !== laid.shape.key) {
    setShownKey(laid.shape.key)
    setNodes((current) => keepMeasured(current, flow.nodes))
  }
  const onNodesChange = useCallback(
    (changes: NodeChange[]) => setNodes((current) => applyNodeChanges(changes, current)),
    [],
  )
  return { flow, nodes, onNodesChange, ready: shownKey === laid.shape.key && allMeasured(nodes) }
}
