// The cloud's instances in a lab's status (the topology shows them on their nodes): `openstack server list
// --all-projects --long -c ID -c Name -c Status -c Host -f json` as the lab's client printed it (recorded on
// Stacklab's own Debian 12 lab, test/fixtures/openstack/SOURCES.md), the same rows as a table, the framed
// output that carries it, and which instances a topology box shows.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { splitFramed } from '../../src-main/engine/install/status'
import { parseServers } from '../../src-main/engine/install/status-parse'
import { instancesOn, type Instance, type LabStatusReport } from '../../src-shared/install'

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/openstack', name), 'utf8')

describe('the server list', () => {
  it('reads the JSON the lab printed: id, name, status and the host it runs on', () => {
    expect(parseServers(fixture('server-list-long-zed-build.json'))).toEqual([
      {
        id: '52c42a40-3fec-4ce1-8429-8a79a152ef87',
        name: 'vm1',
        status: 'BUILD',
        host: 'compute.example.com',
      },
    ])
    // An instance in ERROR has no host (JSON null): no node.
    expect(parseServers(fixture('server-list-long-zed-error.json'))).toEqual([
      { id: '52c42a40-3fec-4ce1-8429-8a79a152ef87', name: 'vm1', status: 'ERROR', host: '' },
    ])
  })

  it('reads the same rows as the table the client prints by default', () => {
    const table = [
      '+--------------------------------------+------+--------+---------------------+',
      '| ID                                   | Name | Status | Host                |',
      '+--------------------------------------+------+--------+---------------------+',
      '| 0b7c5a0e-7d0f-4a53-a1b6-3e1a4f2f9c11 | vm1  | BUILD  | compute.example.com |',
      '| 5d1f0c2a-9e7b-4f0e-8a55-0c3d6b1e2f47 | vm2  | ERROR  |                     |',
      '+--------------------------------------+------+--------+---------------------+',
    ].join('\n')
    expect(parseServers(table)).toEqual([
      {
        id: '0b7c5a0e-7d0f-4a53-a1b6-3e1a4f2f9c11',
        name: 'vm1',
        status: 'BUILD',
        host: 'compute.example.com',
      },
      { id: '5d1f0c2a-9e7b-4f0e-8a55-0c3d6b1e2f47', name: 'vm2', status: 'ERROR', host: '' },
    ])
  })

  it('an empty cloud is no instances; an error message is an error, not an empty list', () => {
    expect(parseServers('[]\n')).toEqual([])
    expect(() =>
      parseServers('Failed to discover available identity versions when contacting http://x'),
    ).toThrow(/neither JSON nor a table/)
  })

  it('is framed with the service lists, its exit status kept', () => {
    const out =
      '@@stacklab-begin compute\n[]\n@@stacklab-end 0\n' +
      '@@stacklab-begin servers\n[{"ID": "a", "Name": "vm1", "Status": "ACTIVE", "Host": "c"}]\n@@stacklab-end 0\n' +
      '@@stacklab-begin bogus\n[]\n@@stacklab-end 0\n'
    expect(splitFramed(out).map((p) => [p.kind, p.rc])).toEqual([
      ['compute', 0],
      ['servers', 0],
    ])
  })
})

describe('instances on a topology box', () => {
  const instance = (name: string, node: string | null): Instance => ({
    id: `id-${name}`,
    name,
    status: 'ACTIVE',
    host: node ? `${node}.example.com` : 'elsewhere',
    node,
  })
  const report = (checkedAt: string, instances: Instance[]): LabStatusReport => ({
    lab: 'os',
    checkedAt,
    installed: true,
    horizon: null,
    nodes: ['controller', 'compute'].map((name) => ({
      name,
      domain: `os-${name}`,
      address: '192.168.122.100',
      vmState: 'running',
      reachable: true,
      services: [],
      flagged: false,
      health: 'ok' as const,
    })),
    services: [],
    instances,
    problems: [],
  })

  it("shows the node's own instances from the newest report, none for another VM", () => {
    const old = report('2026-12-01T05:00:00Z', [instance('gone', 'compute')])
    const now = report('2026-12-01T06:00:00Z', [instance('vm1', 'compute'), instance('lost', null)])
    const reports = { a: now, b: old }
    expect(instancesOn(reports, 'os-compute').map((i) => i.name)).toEqual(['vm1'])
    expect(instancesOn(reports, 'os-controller')).toEqual([])
    expect(instancesOn(reports, 'not-a-lab-vm')).toEqual([])
  })
})
