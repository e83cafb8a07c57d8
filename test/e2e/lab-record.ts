// A built lab as the engine keeps it on disk, for browser tests that need a lab on their pages without
// building one: two nodes (controller 192.168.122.100, compute 192.168.122.110) whose VMs and disks do not
// exist on the test driver, status "ready". Each test adds what it is about (its install progress).
import { LabDefinition, defaultLab, type LabState } from '../../src-shared/lab'

export function readyLab(
  name: string,
  preset: string,
  extra: { release?: string; macs?: string[]; install?: LabState['install']; createdAt?: string } = {},
): LabState {
  const node = (n: string, address: string) => ({
    domain: `${name}-${n}`,
    disk: `/nonexistent/${name}/${n}.qcow2`,
    macs: extra.macs ?? ['52:54:00:12:34:56'],
    address,
    hostKeyFingerprint: 'SHA256:none',
  })
  return {
    version: 1,
    definition: LabDefinition.parse(defaultLab(name, preset, extra.release)),
    status: 'ready',
    createdAt: extra.createdAt ?? new Date().toISOString(),
    stepsDone: [],
    resources: { networks: [], domains: [], disks: [], intents: [] },
    nodes: { controller: node('controller', '192.168.122.100'), compute: node('compute', '192.168.122.110') },
    virtType: 'qemu',
    loginKeyFingerprint: null,
    lastError: null,
    ownerPid: null,
    ...(extra.install ? { install: extra.install } : {}),
  }
}
