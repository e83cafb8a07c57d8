// A full picture of one connection (every domain with its details, every network, DHCP leases) in two
// virsh processes, however many domains there are.
import type { DomainInfo, Lease, NetworkInfo } from '../../../src-shared/libvirt'
import { virshBatch } from './batch'
import { assembleDomain, namesOf, parseDomstats } from './domain'
import { parseDomainXml } from './domain-xml'
import { networksFrom, parseLeases } from './network'
import type { Virsh } from './virsh'

export interface Picture {
  domains: DomainInfo[]
  networks: NetworkInfo[]
}

export async function readAll(virsh: Virsh): Promise<Picture> {
  const [doms, domAuto, domPersistent, stats, nets, netActive, netAuto, netPersistent] = await virshBatch(
    virsh,
    [
      ['list', '--all', '--name'],
      ['list', '--all', '--name', '--autostart'],
      ['list', '--all', '--name', '--persistent'],
      ['domstats', '--raw', '--state'],
      ['net-list', '--all', '--name'],
      ['net-list', '--name'],
      ['net-list', '--all', '--name', '--autostart'],
      ['net-list', '--all', '--name', '--persistent'],
    ],
  )
  const domainNames = namesOf(doms)
  const networkNames = namesOf(nets)
  const active = namesOf(netActive)
  const details = await virshBatch(virsh, [
    ...domainNames.map((n) => ['dumpxml', n]),
    ...networkNames.map((n) => ['net-dumpxml', n]),
    ...active.map((n) => ['net-dhcp-leases', n]),
  ])
  const networks = networksFrom(
    networkNames,
    details.slice(domainNames.length, domainNames.length + networkNames.length),
    {
      active,
      autostart: namesOf(netAuto),
      persistent: namesOf(netPersistent),
    },
  )
  const leases = new Map<string, Lease[]>()
  active.forEach((n, i) =>
    leases.set(n, parseLeases(details[domainNames.length + networkNames.length + i] ?? '')),
  )
  const states = parseDomstats(stats ?? '')
  const autostart = namesOf(domAuto)
  const persistent = namesOf(domPersistent)
  const domains: DomainInfo[] = []
  domainNames.forEach((n, i) => {
    const xml = details[i]
    if (!xml) return
    domains.push(
      assembleDomain(
        parseDomainXml(xml),
        states.get(n),
        { autostart: autostart.includes(n), persistent: persistent.includes(n) },
        networks,
        leases,
      ),
    )
  })
  return { domains, networks }
}
