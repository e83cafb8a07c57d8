// The topology as a plain list (networks, then each lab's VMs, then the VMs outside any lab): the same
// objects as the diagram (a lab's start all / stop all too), as ordinary buttons for keyboards and screen
// readers.
import type { DomainInfo } from '../../../src-shared/libvirt'
import { HealthBadge, ModePill, ProblemPill, StateBadge } from '../components/badges'
import { useT } from '../i18n'
import { healthOf, useLabStatus } from '../state/status'
import { useStore } from '../store'
import { labOfDomain } from './graph'
import { LabPower } from './LabPower'
import { nicSummary, sizeMiB } from './nodes'

export function ListView() {
  const t = useT()
  const domains = useStore((s) => s.libvirt.domains)
  const networks = useStore((s) => s.libvirt.networks)
  const labs = useStore((s) => s.labs)
  const reports = useLabStatus((s) => s.reports)
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
            <span className="muted">{t('vm.size', { vcpus: d.vcpus, memory: sizeMiB(d.memoryMiB) })}</span>
            {d.problem && <ProblemPill />}
            {/* As on the diagram's boxes: OpenStack health only where OpenStack can run, a lab's nodes. */}
            {byLab.has(d.name) && <HealthBadge health={healthOf(reports, d.name)} />}
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
                <ModePill mode={n.mode} />
                <span className="mono muted">{n.subnet ?? t('topology.noSubnet')}</span>
                <span>{n.active ? t('network.active') : t('network.inactive')}</span>
              </button>
            </li>
          ))}
      </ul>
      {labNames.map((lab) => (
        <section key={lab} aria-label={t('topology.lab', { name: lab })}>
          <h2>{t('topology.lab', { name: lab })}</h2>
          <LabPower lab={lab} idPrefix={`list-lab-${lab}`} />
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
