// The diagram: a laid-out shape drawn with React Flow, fitted to its box after each new layout (once every
// box is measured) and again when the box changes size. Marks the moment a layout is on screen (the
// renderer benchmark and the browser tests wait for `data-layout="done"`).
import {
  Background,
  ControlButton,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Node,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { memo, useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { translate, useLang, useT, type MessageKey } from '../i18n'
import { useStore } from '../store'
import { NODE_TYPES } from './nodes'
import type { Laid } from './pump'
import { useMeasuredNodes } from './useLayoutPump'

/** Fit the diagram, but never so small that its text drops under about 10 px (boxes use 14 px type): a host
 * with more than fits is then shown centred at that zoom, and the rest is a pan away. */
const FIT = { padding: 0.08, maxZoom: 1.1, minZoom: 0.75, duration: 0 }

/** Fit the view after each new layout, once React Flow has measured the nodes, and mark the moment; fit
 * again when the diagram's box changes size (the details panel opening beside it, a window resize). */
function FitOnLayout({
  layoutKey,
  ready,
  size,
  onRendered,
}: {
  layoutKey: string
  /** Every box of this layout is in the DOM and measured. */
  ready: boolean
  size: string
  onRendered: () => void
}) {
  const { fitView } = useReactFlow()
  const fitted = useRef<string | null>(null)
  useEffect(() => {
    if (!ready || fitted.current === layoutKey) return
    fitted.current = layoutKey
    void fitView(FIT)
    onRendered()
  }, [ready, layoutKey, fitView, onRendered])
  useEffect(() => {
    if (fitted.current) void fitView(FIT)
  }, [size, fitView])
  return null
}

/** Zoom in, zoom out and fit, as one labelled group (React Flow's own Controls give their box a label but no
 * role, so assistive technology announces neither). */
function ZoomControls() {
  const t = useT()
  const { zoomIn, zoomOut, fitView } = useReactFlow()
  const buttons = [
    { id: 'in', label: t('topology.zoomIn'), mark: '+', act: () => void zoomIn() },
    { id: 'out', label: t('topology.zoomOut'), mark: '−', act: () => void zoomOut() },
    { id: 'fit', label: t('topology.fitView'), mark: '⤢', act: () => void fitView(FIT) },
  ]
  return (
    <Panel
      position="bottom-left"
      id="topology-zoom"
      className="react-flow__controls vertical topology-zoom"
      role="group"
      aria-label={t('topology.controls')}
    >
      {buttons.map((b) => (
        <ControlButton
          key={b.id}
          id={`topology-zoom-${b.id}`}
          title={b.label}
          aria-label={b.label}
          onClick={b.act}
        >
          <span aria-hidden="true">{b.mark}</span>
        </ControlButton>
      ))}
    </Panel>
  )
}

/** The element's size as "WxH", updated as it changes. */
function useSize(ref: RefObject<HTMLElement | null>): string {
  const [size, setSize] = useState('')
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const observer = new ResizeObserver(([entry]) => {
      const box = entry!.contentRect
      setSize(`${Math.round(box.width)}x${Math.round(box.height)}`)
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [ref])
  return size
}

/** Memoised: the diagram re-renders for a new layout or language, not for every libvirt event (each box
 * follows its own VM or network from the store). */
export const Diagram = memo(function Diagram({ laid }: { laid: Laid }) {
  const lang = useLang((s) => s.lang)
  const ariaLabelConfig = useMemo(() => {
    const t = (key: MessageKey) => translate(lang, key)
    return {
      'controls.ariaLabel': t('topology.controls'),
      'controls.zoomIn.ariaLabel': t('topology.zoomIn'),
      'controls.zoomOut.ariaLabel': t('topology.zoomOut'),
      'controls.fitView.ariaLabel': t('topology.fitView'),
      'controls.interactive.ariaLabel': t('topology.interactive'),
      'node.a11yDescription.default': t('topology.nodeHelp'),
      'node.a11yDescription.keyboardDisabled': t('topology.nodeHelp'),
      'edge.a11yDescription.default': t('topology.nodeHelp'),
      'handle.ariaLabel': t('topology.handle'),
    }
  }, [lang])
  const { flow, nodes, onNodesChange, ready } = useMeasuredNodes(laid)
  const box = useRef<HTMLDivElement>(null)
  const size = useSize(box)
  const select = useStore((s) => s.select)
  // Also makes React Flow give the boxes pointer events (it does not for nodes it cannot drag or select).
  const onNodeClick = useCallback(
    (_e: unknown, node: Node) => {
      const [kind, ...rest] = node.id.split(':')
      if (kind === 'dom') select({ kind: 'domain', name: rest.join(':') })
      else if (kind === 'net') select({ kind: 'network', name: rest.join(':') })
      else if (kind === 'hbr') select({ kind: 'bridge', name: rest.join(':') })
    },
    [select],
  )
  const [renderedKey, setRenderedKey] = useState<string | null>(null)
  const onRendered = useCallback(() => {
    setRenderedKey(laid.shape.key)
    performance.mark('stacklab:topology-rendered', {
      detail: { nodes: flow.nodes.length, layoutMs: laid.ms },
    })
  }, [laid, flow.nodes.length])
  return (
    <div
      ref={box}
      id="topology-graph"
      className="topology-graph"
      data-layout={renderedKey === laid.shape.key ? 'done' : 'pending'}
      data-nodes={flow.nodes.length}
      data-layout-ms={Math.round(laid.ms)}
    >
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={flow.edges}
          onNodesChange={onNodesChange}
          onNodeClick={onNodeClick}
          nodeTypes={NODE_TYPES}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={null}
          minZoom={0.05}
          maxZoom={2}
          fitView
          fitViewOptions={FIT}
          colorMode="light"
          ariaLabelConfig={ariaLabelConfig}
        >
          <Background gap={24} color="#d5dbe3" />
          <ZoomControls />
          <FitOnLayout layoutKey={laid.shape.key} ready={ready} size={size} onRendered={onRendered} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  )
})
