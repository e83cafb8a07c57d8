// Domains, networks and a lab as the engine reports them, for the topology's unit tests.
import type { LabSummary } from '../../src-shared/lab'
import type { DomainInfo, NetworkInfo } from '../../src-shared/libvirt'

export const domain = (
  name: string,
  networks: string[],
  state: DomainInfo['state'] = 'running',
): DomainInfo => ({
  name,
  uuid: `uuid-${name}`,
  state,
  reason: 'booted',
  type: 'kvm',
  vcpus: 2,
  memoryMiB: 2048,
  autostart: false,
  persistent: true,
  disks: [],
  nics: networks.map((network, i) => ({
    mac: `52:54:00:00:00:0${i}`,
    type: 'network',
    network,
    bridge: null,
    source: null,
    target: null,
    model: 'virtio',
    addresses: [],
  })),
  serialConsole: true,
  problem: null,
})

export const network = (name: string, mode = 'nat'): NetworkInfo => ({
  name,
  uuid: `uuid-${name}`,
  active: true,
  autostart: true,
  persistent: true,
  mode,
  bridge: null,
  subnet: '192.168.122.0/24',
  gateway: '192.168.122.1',
  ipv4: [{ address: '192.168.122.1', prefix: 24, subnet: '192.168.122.0/24' }],
  dhcpRanges: [],
  staticHosts: [],
  problem: null,
})

export const lab: LabSummary = {
  name: 'demo',
  status: 'ready',
  preset: 'p',
  release: 'r',
  createdAt: '2026-01-01T00:00:00Z',
  lastError: null,
  nodes: [
    { name: 'controller', role: 'controller', address: '10.0.0.11', domain: 'demo-controller' },
    { name: 'compute1', role: 'compute', address: '10.0.0.12', domain: 'demo-compute1' },
  ],
}
