// The diagram's boxes: this host (with its capacity), each libvirt network, each host bridge no network owns,
// the frame of a lab's VMs (with start all / stop all), and each VM (its addresses, vCPUs and memory, and
// for lab nodes the role and OpenStack health). Every box follows its own VM or network from the store (a
// state change redraws one box, not the diagram) and is a keyboard button that opens its details.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react'
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react'
import type { DomainInfo, HostCapacity } from '../../../src-shared/libvirt'
import { HealthBadge, ModePill, ProblemPill, StateBadge, modeKey, stateWord } from '../components/badges'
import { usePlural, useT, type Translate } from '../i18n'
import { useHealth, useInstances } from '../state/status'
import { useStore } from '../store'
import { labOfDomain, networkColor } from './graph'
import { LabPower } from './LabPower'

/** Props that make a box a button: click, Enter or Space. */
export function activate(handler: () => void) {
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

/** A VM's addresses in a line: those libvirt reports, else the lab's, else that none is known (a MAC says
 * nothing a person looks for; the details list them). */
export function nicSummary(d: DomainInfo, labAddress: string | undefined, t: Translate): string {
  if (d.problem) return t('obj.problem')
  const addresses = [...new Set(d.nics.flatMap((n) => n.addresses))]
  if (addresses.length) return addresses.join(', ')
  if (labAddress) return labAddress
  return d.nics.length ? t('vm.noAddress') : t('vm.noNic')
}

/** MiB as a person reads it: `768 MiB`, `8 GiB`, `1.5 GiB`. */
export function sizeMiB(mib: number): string {
  if (mib < 1024) return `${Math.round(mib)} MiB`
  const gib = mib / 1024
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`
}

/** The host's capacity, read again when the connection or the number of running VMs changes. */
function useCapacity(): HostCapacity | null {
  const call = useStore((s) => s.call)
  const connection = useStore((s) => s.libvirt.connection)
  const running = useStore(
    (s) => Object.values(s.libvirt.domains).filter((d) => d.state === 'running').length,
  )
  const [capacity, setCapacity] = useState<HostCapacity | null>(null)
  const uri = connection?.state === 'connected' ? connection.uri : null
  // `running` is a reason to read again (a VM started or stopped changes the free memory), not an input.
  useEffect(() => {
    if (!uri) return
    let gone = false
    call('libvirt.capacity', {}).then(
      (c) => !gone && setCapacity(c),
      () => !gone && setCapacity(null),
    )
    return () => {
      gone = true
    }
  }, [call, uri, running])
  return capacity
}

function HostNode() {
  const t = useT()
  const plural = usePlural()
  const connection = useStore((s) => s.libvirt.connection)
  const c = useCapacity()
  const unknown = t('vm.unknown')
  return (
    <div id="topo-host" className="topo-node host">
      <div className="topo-title">{t('topology.host')}</div>
      <div className="topo-sub" title={connection?.uri}>
        {connection ? t(`topology.connection.${connection.state}`) : '…'}
      </div>
      {c && (
        <>
          <div
            id="topo-host-cpu"
            className="topo-sub"
            data-cpus={c.cpus ?? ''}
            title={c.cpuModel ?? undefined}
          >
            {c.cpus === null ? t('vm.hostCpusUnknown', { n: unknown }) : plural('vm.hostCpus', c.cpus)}
          </div>
          <div
            id="topo-host-memory"
            className="topo-sub"
            data-total-kib={c.memoryKiB ?? ''}
            data-free-kib={c.memoryFreeKiB ?? ''}
          >
            {t('vm.hostMemory', {
              total: c.memoryKiB === null ? unknown : sizeMiB(c.memoryKiB / 1024),
              free: c.memoryFreeKiB === null ? unknown : sizeMiB(c.memoryFreeKiB / 1024),
            })}
          </div>
          <div
            id="topo-host-disk"
            className="topo-sub"
            data-free-bytes={c.diskFreeBytes ?? ''}
            title={c.imagesDir ?? undefined}
          >
            {t('vm.hostDisk', {
              free: c.diskFreeBytes === null ? unknown : sizeMiB(c.diskFreeBytes / 1024 / 1024),
            })}
          </div>
        </>
      )}
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
        <ModePill mode={net.mode} />
      </div>
      <div className="topo-sub">
        {net.problem ? <ProblemPill /> : <span className="mono">{net.subnet ?? t('topology.noSubnet')}</span>}{' '}
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
      {data.name && <LabPower lab={data.name} idPrefix={`labframe-${data.name}`} compact />}
    </div>
  )
}

function DomainNode({ data }: NodeProps<Node<{ name: string }>>) {
  const t = useT()
  const d = useStore((s) => s.libvirt.domains[data.name])
  const health = useHealth(data.name)
  const instances = useInstances(data.name)
  const pl = usePlural()
  const instancesLabel = pl('topology.instances', instances.length, {
    names: instances.map((i) => `${i.name} (${i.status})`).join(', '),
  })
  const labs = useStore((s) => s.labs)
  const lab = useMemo(() => labOfDomain(labs).get(data.name), [labs, data.name])
  const select = useStore((s) => s.select)
  const selected = useStore((s) => s.selection?.kind === 'domain' && s.selection.name === data.name)
  if (!d) return <div className="topo-node domain gone">{data.name}</div>
  const summary = nicSummary(d, lab?.address, t)
  return (
    <div
      id={`node-${d.name}`}
      className={`topo-node domain state-${d.state}${d.problem ? ' problem' : ''}${selected ? ' selected' : ''}`}
      data-state={d.state}
      data-problem={String(!!d.problem)}
      title={d.problem?.message}
      aria-label={t('topology.domainLabel', { name: d.name, state: stateWord(d.state, t) })}
      aria-pressed={selected}
      {...activate(() => select({ kind: 'domain', name: d.name }))}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-head">
        <span className="topo-title">{d.name}</span>
        <StateBadge id={`node-${d.name}-state`} state={d.state} />
      </div>
      {/* Proportional digits at the box's size: monospace would be smaller or cut off at fit-to-view. */}
      <div id={`node-${d.name}-addresses`} className="topo-sub addresses" title={summary}>
        {summary}
      </div>
      <div id={`node-${d.name}-size`} className="topo-sub">
        {t('vm.size', { vcpus: d.vcpus, memory: sizeMiB(d.memoryMiB) })}
      </div>
      <div className="topo-foot">
        {d.problem && <ProblemPill id={`node-${d.name}-problem`} />}
        {lab && (
          <span id={`node-${d.name}-role`} className="role-pill">
            {t(`role.${lab.role}`)}
          </span>
        )}
        {/* OpenStack runs only on lab nodes: any other VM's health would always say "unknown". */}
        {lab && <HealthBadge id={`node-${d.name}-health`} health={health} />}
        {/* The cloud's instances on this node (a lesson's instance on its compute): a count that fits the
            box, the names in its label; the details panel lists them. */}
        {lab && instances.length > 0 && (
          <span
            id={`node-${d.name}-instances`}
            className="role-pill instances-pill"
            role="img"
            data-count={instances.length}
            aria-label={instancesLabel}
            title={instancesLabel}
          >
            ☁ {instances.length}
          </span>
        )}
      </div>
    </div>
  )
}

export const NODE_TYPES = {
  host: HostNode,
  network: NetworkNode,
  bridge: BridgeNode,
  lab: LabNode,
  domain: DomainNode,
}
