// The topology: this host, its libvirt networks and every VM with its NICs and state, grouped by lab,
// laid out automatically (ELK in a worker) and drawn with React Flow. Live from libvirt events; a new
// layout only when the shape changes (a VM or network added or removed, a NIC moved), never on state.
// Every box is a keyboard button; a plain list view shows the same for keyboards and screen readers.
import {
  applyNodeChanges,
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react'
import type { DomainDeleteResult, DomainInfo, DomainState, NetworkInfo } from '../../../src-shared/libvirt'
import { isMessageKey, translate, useLang, useT, type MessageKey } from '../i18n'
import { useStore, type DomainAction, type ServiceHealth } from '../store'
import { buildShape, labOfDomain, networkColor, type Shape } from '../topology/graph'
import { layout, warmLayout, type Positioned } from '../topology/layout'
import { ConfirmDialog } from '../components/ConfirmDialog'
import {
  diskKind,
  diskSource,
  nicConnectsTo,
  nicKind,
  ProblemNote,
  RawXmlDialog,
} from '../components/objects'

// The layout worker starts loading with the app, while the engine's data is still on its way.
if (typeof window !== 'undefined') warmLayout()

type T = ReturnType<typeof useT>

const RUNNING_STATES = new Set(['running', 'blocked', 'paused', 'pmsuspended'])

function activate(handler: () => void) {
  return {
    role: 'button',
    tabIndex: 0,
    onClick: handler,
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault()
        handler()
      }
    },
  }
}

export function StateBadge({ state, id }: { state: DomainState; id?: string }) {
  const t = useT()
  return (
    <span id={id} className={`state-pill state-${state}`} data-state={state}>
      {t(`state.${state}`)}
    </span>
  )
}

/** libvirt's reason for the state, in the reader's language where known; nothing when it is `unknown`. */
function Reason({ reason, t }: { reason: string; t: T }) {
  if (!reason || reason === 'unknown') return null
  const key = `reason.${reason
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`
  return <span className="muted">({isMessageKey(key) ? t(key) : reason})</span>
}

function HealthBadge({ health, id }: { health: ServiceHealth; id?: string }) {
  const t = useT()
  return (
    <span id={id} className={`health-pill health-${health}`} data-health={health}>
      {t('topology.health', { health: t(`health.${health}`) })}
    </span>
  )
}

function nicSummary(d: DomainInfo, labAddress: string | undefined, t?: T): string {
  if (d.problem && t) return t('obj.problem')
  const addresses = d.nics.flatMap((n) => n.addresses)
  if (addresses.length) return addresses.join(', ')
  if (labAddress) return labAddress
  return d.nics.map((n) => n.mac).join(', ')
}

// --- React Flow node views -------------------------------------------------------------------------------

function HostNode() {
  const t = useT()
  const connection = useStore((s) => s.libvirt.connection)
  return (
    <div id="topo-host" className="topo-node host">
      <div className="topo-title">{t('topology.host')}</div>
      <div className="topo-sub" title={connection?.uri}>
        {connection ? t(`topology.connection.${connection.state}`) : '…'}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  )
}

function NetworkNode({ data }: NodeProps<Node<{ name: string }>>) {
  const t = useT()
  const net = useStore((s) => s.libvirt.networks[data.name])
  const index = useStore((s) => Object.keys(s.libvirt.networks).sort().indexOf(data.name))
  const select = useStore((s) => s.select)
  const selected = useStore((s) => s.selection?.kind === 'network' && s.selection.name === data.name)
  // Gone from libvirt but still in the last layout: a plain box until the next layout drops it.
  if (!net) return <div className="topo-node network gone">{data.name}</div>
  return (
    <div
      id={`net-${net.name}`}
      className={`topo-node network mode-${net.mode}${net.active ? '' : ' inactive'}${net.problem ? ' problem' : ''}${selected ? ' selected' : ''}`}
      style={{ borderLeftColor: networkColor(index) }}
      data-problem={String(!!net.problem)}
      title={net.problem?.message}
      aria-label={t('topology.networkLabel', { name: net.name, mode: t(modeKey(net.mode)) })}
      aria-pressed={selected}
      data-active={String(net.active)}
      {...activate(() => select({ kind: 'network', name: net.name }))}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-head">
        <span className="topo-title">{net.name}</span>
        <span className={`mode-pill mode-${net.mode}`}>{t(modeKey(net.mode))}</span>
      </div>
      <div className="topo-sub">
        {net.problem ? (
          <span className="problem-pill">⚠ {t('obj.problem')}</span>
        ) : (
          <span className="mono">{net.subnet ?? t('topology.noSubnet')}</span>
        )}{' '}
        · {net.active ? t('network.active') : t('network.inactive')}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  )
}

/** A host bridge no libvirt network owns, with the VMs whose bridge NICs are on it. */
function BridgeNode({ data }: NodeProps<Node<{ name: string }>>) {
  const t = useT()
  const select = useStore((s) => s.select)
  const selected = useStore((s) => s.selection?.kind === 'bridge' && s.selection.name === data.name)
  return (
    <div
      id={`bridge-${data.name}`}
      className={`topo-node network bridge${selected ? ' selected' : ''}`}
      aria-label={t('obj.bridgeLabel', { name: data.name })}
      aria-pressed={selected}
      {...activate(() => select({ kind: 'bridge', name: data.name }))}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-head">
        <span className="topo-title">{data.name}</span>
        <span className="mode-pill mode-bridge">{t('obj.hostBridge')}</span>
      </div>
      <div className="topo-sub">{t('obj.hostBridgeKind')}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  )
}

/** The frame around a lab's VMs (or, with no name, around the VMs outside any lab). */
function LabNode({ data }: NodeProps<Node<{ name: string | null }>>) {
  const t = useT()
  return (
    <div
      id={data.name ? `lab-${data.name}` : 'lab-others'}
      className={data.name ? 'topo-lab' : 'topo-lab others'}
    >
      <span className="topo-lab-label">
        {data.name ? t('topology.lab', { name: data.name }) : t('topology.otherVms')}
      </span>
    </div>
  )
}

function DomainNode({ data }: NodeProps<Node<{ name: string }>>) {
  const t = useT()
  const d = useStore((s) => s.libvirt.domains[data.name])
  const health = useStore((s) => s.serviceHealth[data.name] ?? 'unknown')
  const labs = useStore((s) => s.labs)
  const lab = useMemo(() => labOfDomain(labs).get(data.name), [labs, data.name])
  const select = useStore((s) => s.select)
  const selected = useStore((s) => s.selection?.kind === 'domain' && s.selection.name === data.name)
  if (!d) return <div className="topo-node domain gone">{data.name}</div>
  return (
    <div
      id={`node-${d.name}`}
      className={`topo-node domain state-${d.state}${d.problem ? ' problem' : ''}${selected ? ' selected' : ''}`}
      data-state={d.state}
      data-problem={String(!!d.problem)}
      title={d.problem?.message}
      aria-label={t('topology.domainLabel', { name: d.name, state: t(`state.${d.state}`) })}
      aria-pressed={selected}
      {...activate(() => select({ kind: 'domain', name: d.name }))}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-head">
        <span className="topo-title">{d.name}</span>
        <StateBadge id={`node-${d.name}-state`} state={d.state} />
      </div>
      <div className="topo-sub mono">{nicSummary(d, lab?.address, t)}</div>
      <div className="topo-foot">
        {d.problem && (
          <span id={`node-${d.name}-problem`} className="problem-pill">
            ⚠ {t('obj.problem')}
          </span>
        )}
        {lab && <span className="role-pill">{t(`role.${lab.role}`)}</span>}
        <HealthBadge id={`node-${d.name}-health`} health={health} />
      </div>
    </div>
  )
}

const NODE_TYPES = {
  host: HostNode,
  network: NetworkNode,
  bridge: BridgeNode,
  lab: LabNode,
  domain: DomainNode,
}

function modeKey(mode: string): MessageKey {
  return mode === 'nat' || mode === 'isolated' ? `network.mode.${mode}` : 'network.mode.other'
}

// --- Layout ----------------------------------------------------------------------------------------------

interface Laid {
  shape: Shape
  positions: Positioned[]
  /** Milliseconds the layout took (worker round trip). */
  ms: number
}

/** Lay out the latest shape whenever its key changes; one layout at a time, the newest shape wins, and
 * every finished layout is shown (VMs defined one after another appear in steps, not all at the end). */
function useLayout(shape: Shape): { laid: Laid | null; busy: boolean; error: string | null } {
  const [laid, setLaid] = useState<Laid | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const latest = useRef(shape)
  const running = useRef(false)
  const doneKey = useRef<string | null>(null)
  const mounted = useRef(true)

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  useEffect(() => {
    latest.current = shape
    if (doneKey.current === shape.key) return
    const pump = async () => {
      if (running.current) return
      running.current = true
      setBusy(true)
      try {
        while (mounted.current && doneKey.current !== latest.current.key) {
          const target = latest.current
          const started = performance.now()
          try {
            const positions = await layout(target)
            if (mounted.current) {
              setLaid({ shape: target, positions, ms: performance.now() - started })
              setError(null)
            }
          } catch (e) {
            if (mounted.current) setError((e as Error).message)
          }
          doneKey.current = target.key
          // More changes came in while laying out: let a burst settle before the next layout, so a lab
          // of 50 VMs defined one by one costs a handful of layouts, not fifty.
          if (mounted.current && doneKey.current !== latest.current.key)
            await new Promise((resolve) => setTimeout(resolve, 300))
        }
      } finally {
        running.current = false
        if (mounted.current) setBusy(false)
      }
    }
    // Events come in bursts (a lab's VMs defined one after another): wait for a short quiet spell.
    const timer = setTimeout(() => void pump(), 40)
    return () => clearTimeout(timer)
  }, [shape])
  return { laid, busy, error }
}

function toFlow(laid: Laid): { nodes: Node[]; edges: Edge[] } {
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
  return { nodes, edges }
}

const FIT = { padding: 0.08, maxZoom: 1.1, duration: 0 }

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
const Graph = memo(function Graph({ laid }: { laid: Laid }) {
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
  const flow = useMemo(() => toFlow(laid), [laid])
  const box = useRef<HTMLDivElement>(null)
  const size = useSize(box)
  // React Flow writes each node's measured size back through onNodesChange; a node counts as ready then.
  const [nodes, setNodes] = useState<Node[]>(flow.nodes)
  const [shownKey, setShownKey] = useState(laid.shape.key)
  if (shownKey !== laid.shape.key) {
    setShownKey(laid.shape.key)
    // Boxes that stay keep their measured size (React Flow reports sizes only when they change).
    setNodes((current) => {
      const measured = new Map(current.map((n) => [n.id, n.measured]))
      return flow.nodes.map((n) => {
        const m = measured.get(n.id)
        return m ? { ...n, measured: m } : n
      })
    })
  }
  const onNodesChange = useCallback(
    (changes: NodeChange[]) => setNodes((current) => applyNodeChanges(changes, current)),
    [],
  )
  const edges = flow.edges
  const ready = shownKey === laid.shape.key && nodes.length > 0 && nodes.every((n) => n.measured?.width)
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
          edges={edges}
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
          colorMode="light"
          ariaLabelConfig={ariaLabelConfig}
        >
          <Background gap={24} color="#d5dbe3" />
          <Controls showInteractive={false} />
          <FitOnLayout layoutKey={laid.shape.key} ready={ready} size={size} onRendered={onRendered} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  )
})

// --- List view -------------------------------------------------------------------------------------------

function ListView({ t }: { t: T }) {
  const domains = useStore((s) => s.libvirt.domains)
  const networks = useStore((s) => s.libvirt.networks)
  const labs = useStore((s) => s.labs)
  const health = useStore((s) => s.serviceHealth)
  const select = useStore((s) => s.select)
  const byLab = labOfDomain(labs)
  const groups = new Map<string | null, DomainInfo[]>()
  for (const d of Object.values(domains).sort((a, b) => a.name.localeCompare(b.name))) {
    const lab = byLab.get(d.name)?.lab ?? null
    groups.set(lab, [...(groups.get(lab) ?? []), d])
  }
  const labNames = [...groups.keys()].filter((k): k is string => k !== null).sort()
  const domainList = (list: DomainInfo[]) => (
    <ul className="topo-list">
      {list.map((d) => (
        <li key={d.name}>
          <button id={`list-node-${d.name}`} onClick={() => select({ kind: 'domain', name: d.name })}>
            <span className="topo-title">{d.name}</span>
            <StateBadge state={d.state} />
            <span className="mono muted">{nicSummary(d, byLab.get(d.name)?.address, t)}</span>
            {d.problem && <span className="problem-pill">⚠ {t('obj.problem')}</span>}
            <HealthBadge health={health[d.name] ?? 'unknown'} />
          </button>
        </li>
      ))}
    </ul>
  )
  return (
    <div id="topology-list" className="topology-list">
      <h2>{t('topology.networks')}</h2>
      <ul className="topo-list">
        {Object.values(networks)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((n) => (
            <li key={n.name}>
              <button id={`list-net-${n.name}`} onClick={() => select({ kind: 'network', name: n.name })}>
                <span className="topo-title">{n.name}</span>
                <span className={`mode-pill mode-${n.mode}`}>{t(modeKey(n.mode))}</span>
                <span className="mono muted">{n.subnet ?? t('topology.noSubnet')}</span>
                <span>{n.active ? t('network.active') : t('network.inactive')}</span>
              </button>
            </li>
          ))}
      </ul>
      {labNames.map((lab) => (
        <section key={lab} aria-label={t('topology.lab', { name: lab })}>
          <h2>{t('topology.lab', { name: lab })}</h2>
          {domainList(groups.get(lab)!)}
        </section>
      ))}
      {groups.has(null) && (
        <section aria-label={t('topology.otherVms')}>
          <h2>{labNames.length ? t('topology.otherVms') : t('topology.vms')}</h2>
          {domainList(groups.get(null)!)}
        </section>
      )}
    </div>
  )
}

// --- Details panel ---------------------------------------------------------------------------------------

function Field({ label, children, id }: { label: string; children: ReactNode; id?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd id={id}>{children}</dd>
    </>
  )
}

function DomainDetails({
  d,
  t,
  onDeleted,
}: {
  d: DomainInfo
  t: T
  onDeleted: (name: string, result: DomainDeleteResult) => void
}) {
  const domainAction = useStore((s) => s.domainAction)
  const call = useStore((s) => s.call)
  const labs = useStore((s) => s.labs)
  const lab = labOfDomain(labs).get(d.name)
  const health = useStore((s) => s.serviceHealth[d.name] ?? 'unknown')
  const [busy, setBusy] = useState<DomainAction | 'delete' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [rawXml, setRawXml] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [withDisks, setWithDisks] = useState(false)
  const on = RUNNING_STATES.has(d.state)
  const run = async (action: DomainAction) => {
    setBusy(action)
    setError(null)
    const e = await domainAction(d.name, action)
    setBusy(null)
    if (e) setError(e.message)
  }
  const remove = async () => {
    setConfirmDelete(false)
    setBusy('delete')
    setError(null)
    try {
      onDeleted(d.name, await call('domain.delete', { name: d.name, withDisks }))
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(null)
    }
  }
  const actions: { id: DomainAction; enabled: boolean }[] = [
    { id: 'start', enabled: !on },
    { id: 'shutdown', enabled: d.state === 'running' },
    { id: 'forceOff', enabled: on },
    { id: 'reboot', enabled: d.state === 'running' },
  ]
  return (
    <>
      <h2 id="details-title" className="wrap">
        {d.name}
      </h2>
      <p className="muted">{t('details.domain')}</p>
      {d.problem && (
        <ProblemNote id="details-problem" problem={d.problem} t={t} onRawXml={() => setRawXml(true)} />
      )}
      <div className="details-actions">
        {actions.map((a) => (
          <button
            key={a.id}
            id={`details-${a.id}`}
            className={a.id === 'start' ? 'primary' : a.id === 'forceOff' ? 'danger' : ''}
            disabled={!a.enabled || busy !== null}
            onClick={() => void run(a.id)}
          >
            {busy === a.id ? t('details.working') : t(`details.action.${a.id}`)}
          </button>
        ))}
        <button id="details-raw-xml" onClick={() => setRawXml(true)}>
          {t('obj.rawXml')}
        </button>
        <button
          id="details-delete"
          className="danger"
          disabled={busy !== null}
          onClick={() => setConfirmDelete(true)}
        >
          {busy === 'delete' ? t('details.working') : t('obj.delete')}
        </button>
      </div>
      {error && (
        <p id="details-error" className="banner fail" role="alert">
          {error}
        </p>
      )}
      <dl className="details-fields">
        <Field label={t('details.state')} id="details-state">
          <StateBadge state={d.state} /> <Reason reason={d.reason} t={t} />
        </Field>
        <Field label={t('details.health')}>
          <HealthBadge health={health} />
        </Field>
        {lab && (
          <Field label={t('details.lab')}>
            {lab.lab} · {t(`role.${lab.role}`)} · <span className="mono">{lab.address}</span>
          </Field>
        )}
        <Field label={t('details.vcpus')} id="details-vcpus">
          {d.vcpus}
        </Field>
        <Field label={t('details.memory')} id="details-memory">
          {t('details.memoryMiB', { n: d.memoryMiB })}
        </Field>
        <Field label={t('details.type')}>{d.type}</Field>
        <Field label={t('details.autostart')}>{d.autostart ? t('common.yes') : t('common.no')}</Field>
        <Field label={t('details.persistent')}>{d.persistent ? t('common.yes') : t('common.no')}</Field>
      </dl>
      <h3>{t('details.nics')}</h3>
      {d.nics.length === 0 ? (
        <p className="muted">{t('details.none')}</p>
      ) : (
        <table id="details-nics" className="table">
          <thead>
            <tr>
              <th>{t('details.mac')}</th>
              <th>{t('obj.kind')}</th>
              <th>{t('obj.connectsTo')}</th>
              <th>{t('details.addresses')}</th>
            </tr>
          </thead>
          <tbody>
            {d.nics.map((n, i) => (
              <tr key={`${n.mac}-${i}`} data-type={n.type}>
                <td className="mono">{n.mac}</td>
                <td>{nicKind(t, n)}</td>
                <td className="mono wrap">{nicConnectsTo(t, n)}</td>
                <td className="mono">{n.addresses.join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('details.disks')}</h3>
      {d.disks.length === 0 ? (
        <p className="muted">{t('details.none')}</p>
      ) : (
        <table id="details-disks" className="table">
          <thead>
            <tr>
              <th>{t('details.target')}</th>
              <th>{t('details.device')}</th>
              <th>{t('details.source')}</th>
            </tr>
          </thead>
          <tbody>
            {d.disks.map((disk, i) => (
              <tr key={`${disk.target}-${i}`} data-type={disk.type}>
                <td className="mono">{disk.target}</td>
                <td>{diskKind(t, disk)}</td>
                <td className="mono wrap">{diskSource(t, disk)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rawXml && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: d.name })}
          load={() => call('domain.xml', { uuid: d.uuid })}
          onClose={() => setRawXml(false)}
        />
      )}
      {confirmDelete && (
        <ConfirmDialog
          id="delete-domain"
          title={t('obj.deleteTitle', { name: d.name })}
          confirm={t('obj.deleteYes')}
          cancel={t('obj.deleteNo')}
          onConfirm={() => void remove()}
          onCancel={() => setConfirmDelete(false)}
        >
          <p>{t('obj.deleteBody')}</p>
          <label className="checkbox">
            <input
              id="delete-with-disks"
              type="checkbox"
              checked={withDisks}
              onChange={(e) => setWithDisks(e.target.checked)}
            />{' '}
            {t('obj.deleteDisks')}
          </label>
        </ConfirmDialog>
      )}
    </>
  )
}

/** What a delete did with each disk: removed, or kept with the reason. */
function DeletedBanner({
  deleted,
  t,
  onClose,
}: {
  deleted: { name: string; result: DomainDeleteResult }
  t: T
  onClose: () => void
}) {
  const { name, result } = deleted
  return (
    <div id="topology-deleted" className="banner" role="status">
      <p>
        {t('obj.deleted', { name })}{' '}
        <button id="topology-deleted-close" className="small" onClick={onClose}>
          {t('obj.close')}
        </button>
      </p>
      {result.removedDisks.length > 0 && (
        <>
          <strong>{t('obj.removedDisks')}</strong>
          <ul id="topology-deleted-removed">
            {result.removedDisks.map((p) => (
              <li key={p} className="mono">
                {p}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.keptDisks.length > 0 && (
        <>
          <strong>{t('obj.keptDisks')}</strong>
          <ul id="topology-deleted-kept">
            {result.keptDisks.map((k) => (
              <li key={`${k.target}-${k.source}`} data-reason={k.reason}>
                <span className="mono">
                  {k.target} {k.source ?? ''}
                </span>{' '}
                — {t(`obj.kept.${k.reason}`)} <span className="muted">({k.detail})</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}

function BridgeDetails({ name, t }: { name: string; t: T }) {
  const domains = useStore((s) => s.libvirt.domains)
  const attached = Object.values(domains)
    .filter((d) => d.nics.some((n) => n.type === 'bridge' && !n.network && n.bridge === name))
    .map((d) => d.name)
    .sort()
  return (
    <>
      <h2 id="details-title">{name}</h2>
      <p className="muted">{t('obj.hostBridgeKind')}</p>
      <h3>{t('obj.bridgeVms')}</h3>
      <ul id="details-attached">
        {attached.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </>
  )
}

function NetworkDetails({ n, t }: { n: NetworkInfo; t: T }) {
  const setPage = useStore((s) => s.setPage)
  const call = useStore((s) => s.call)
  const [rawXml, setRawXml] = useState(false)
  const domains = useStore((s) => s.libvirt.domains)
  const attached = Object.values(domains)
    .filter((d) => d.nics.some((nic) => nic.network === n.name))
    .map((d) => d.name)
    .sort()
  return (
    <>
      <h2 id="details-title" className="wrap">
        {n.name}
      </h2>
      <p className="muted">{t('details.networkKind')}</p>
      {n.problem && (
        <ProblemNote id="details-problem" problem={n.problem} t={t} onRawXml={() => setRawXml(true)} />
      )}
      <div className="details-actions">
        <button id="details-open-networks" onClick={() => setPage('networks')}>
          {t('details.editNetwork')}
        </button>
        <button id="details-raw-xml" onClick={() => setRawXml(true)}>
          {t('obj.rawXml')}
        </button>
      </div>
      {rawXml && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: n.name })}
          load={() => call('network.xml', { uuid: n.uuid })}
          onClose={() => setRawXml(false)}
        />
      )}
      <dl className="details-fields">
        <Field label={t('details.mode')} id="details-mode">
          {t(modeKey(n.mode))}
        </Field>
        <Field label={t('details.state')} id="details-state">
          {n.active ? t('network.active') : t('network.inactive')}
        </Field>
        <Field label={n.ipv4.length > 1 ? t('obj.ipv4Blocks') : t('details.subnet')} id="details-subnet">
          <span className="mono">{n.ipv4.map((b) => b.subnet ?? b.address).join(', ') || '—'}</span>
        </Field>
        <Field label={t('details.gateway')}>
          <span className="mono">{n.gateway ?? '—'}</span>
        </Field>
        <Field label={t('details.bridge')}>
          <span className="mono">{n.bridge ?? '—'}</span>
        </Field>
        <Field label={t('details.dhcp')} id="details-dhcp">
          <span className="mono">
            {n.dhcpRanges.map((r) => `${r.start} – ${r.end}`).join(', ') || t('details.none')}
          </span>
        </Field>
        <Field label={t('details.autostart')}>{n.autostart ? t('common.yes') : t('common.no')}</Field>
        <Field label={t('details.staticHosts')}>{n.staticHosts.length}</Field>
      </dl>
      <h3>{t('details.attached')}</h3>
      {attached.length ? (
        <ul id="details-attached">
          {attached.map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('details.none')}</p>
      )}
    </>
  )
}

function DetailsPanel({
  t,
  onDeleted,
}: {
  t: T
  onDeleted: (name: string, result: DomainDeleteResult) => void
}) {
  const selection = useStore((s) => s.selection)
  const select = useStore((s) => s.select)
  const domain = useStore((s) =>
    selection?.kind === 'domain' ? s.libvirt.domains[selection.name] : undefined,
  )
  const network = useStore((s) =>
    selection?.kind === 'network' ? s.libvirt.networks[selection.name] : undefined,
  )
  const closeRef = useRef<HTMLButtonElement>(null)
  const name = selection ? `${selection.kind}:${selection.name}` : null
  useEffect(() => {
    if (name) closeRef.current?.focus({ preventScroll: true })
  }, [name])
  const bridge = selection?.kind === 'bridge' ? selection.name : null
  if (!selection || (!domain && !network && !bridge)) return null
  return (
    <aside
      id="details-panel"
      className="details-panel"
      aria-labelledby="details-title"
      data-kind={selection.kind}
      data-name={selection.name}
      onKeyDown={(e) => {
        if (e.key === 'Escape') select(null)
      }}
    >
      <button
        ref={closeRef}
        id="details-close"
        className="small details-close"
        aria-label={t('details.close')}
        onClick={() => select(null)}
      >
        ✕
      </button>
      {domain && <DomainDetails d={domain} t={t} onDeleted={onDeleted} />}
      {network && <NetworkDetails n={network} t={t} />}
      {bridge && <BridgeDetails name={bridge} t={t} />}
    </aside>
  )
}

// --- Page ------------------------------------------------------------------------------------------------

export function TopologyPage() {
  const t = useT()
  const domains = useStore((s) => s.libvirt.domains)
  const networks = useStore((s) => s.libvirt.networks)
  const labs = useStore((s) => s.labs)
  const loaded = useStore((s) => s.libvirt.loaded)
  const loadError = useStore((s) => s.libvirt.error)
  const connection = useStore((s) => s.libvirt.connection)
  const lastEventAt = useStore((s) => s.libvirt.lastEventAt)
  const [view, setView] = useState<'graph' | 'list'>('graph')
  const [deleted, setDeleted] = useState<{ name: string; result: DomainDeleteResult } | null>(null)
  const onDeleted = useCallback(
    (name: string, result: DomainDeleteResult) => setDeleted({ name, result }),
    [],
  )
  const shape = useMemo(() => buildShape(domains, networks, labs), [domains, networks, labs])
  const { laid, busy, error } = useLayout(shape)
  const counts = { domains: Object.keys(domains).length, networks: Object.keys(networks).length }
  const running = Object.values(domains).filter((d) => d.state === 'running').length

  return (
    <section
      id="topology-page"
      aria-labelledby="topology-heading"
      className="topology-page"
      data-last-event={Math.round(lastEventAt)}
    >
      <header className="page-head">
        <div>
          <h1 id="topology-heading">{t('topology.title')}</h1>
          <p className="muted">
            {t('topology.summary', { domains: counts.domains, running, networks: counts.networks })}{' '}
            {connection && (
              <span id="topology-connection" data-state={connection.state}>
                · <code>{connection.uri}</code> · {t(`topology.connection.${connection.state}`)}
              </span>
            )}
          </p>
        </div>
        <div className="segmented" role="group" aria-label={t('topology.view')}>
          <button
            id="topology-view-graph"
            aria-pressed={view === 'graph'}
            className={view === 'graph' ? 'active' : ''}
            onClick={() => setView('graph')}
          >
            {t('topology.viewGraph')}
          </button>
          <button
            id="topology-view-list"
            aria-pressed={view === 'list'}
            className={view === 'list' ? 'active' : ''}
            onClick={() => setView('list')}
          >
            {t('topology.viewList')}
          </button>
        </div>
      </header>
      {deleted && <DeletedBanner deleted={deleted} t={t} onClose={() => setDeleted(null)} />}
      {(loadError || error) && (
        <div id="topology-error" className="banner fail" role="alert">
          {loadError ?? error}
        </div>
      )}
      <div className="topology-body">
        {view === 'graph' ? (
          laid ? (
            <Graph laid={laid} />
          ) : (
            <div className="topology-graph placeholder" data-layout={busy || !loaded ? 'pending' : 'none'}>
              <p className="muted">{loaded ? t('topology.layingOut') : t('topology.loading')}</p>
            </div>
          )
        ) : (
          <ListView t={t} />
        )}
        <DetailsPanel t={t} onDeleted={onDeleted} />
      </div>
      <p className="muted small-print">
        {t('topology.legend')} <span className="sr-only">{t('topology.listHint')}</span>
      </p>
    </section>
  )
}
