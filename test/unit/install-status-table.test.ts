// The status parser reads the openstack client's lists as the table it prints by default, not only as
// `-f json` (issue #13, item 5): on tables pasted from a packstack lab and from the Neutron OVN guide
// (test/fixtures/openstack/SOURCES.md), with the same result as the JSON of the same rows.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseApiServices } from '../../src-main/engine/install/status'
import { parseTable, serviceNode } from '../../src-main/engine/install/status-parse'

const table = (name: string) => readFileSync(join(__dirname, '../fixtures/openstack', name), 'utf8')
const brief = (kind: 'compute' | 'network' | 'volume', text: string) =>
  parseApiServices(kind, text).map((s) => [s.binary, s.host, s.ok, s.state])

describe('openstack lists as tables', () => {
  it('compute service list: the nova-compute that is down is not ok', () => {
    expect(brief('compute', table('compute-service-list-down.txt'))).toEqual([
      ['nova-conductor', 'openstack.test.com', true, 'up, enabled'],
      ['nova-scheduler', 'openstack.test.com', true, 'up, enabled'],
      ['nova-compute', 'openstack.test.com', false, 'down, enabled'],
    ])
  })

  it('network agent list with OVN agents: :-) and UP are alive and up', () => {
    expect(brief('network', table('network-agent-list-ovn.txt'))).toEqual([
      ['ovn-controller', 'openstack.test.com', true, 'alive, up'],
      ['neutron-ovn-metadata-agent', 'openstack.test.com', true, 'alive, up'],
    ])
  })

  it('agents listed without a Binary column (-c), indented as pasted: XXX and DOWN are dead and down', () => {
    expect(brief('network', table('network-agent-list-dead.txt'))).toEqual([
      ['OVN Controller Gateway agent', 'u20ovn', true, 'alive, up'],
      ['OVN Metadata agent', 'u20ovn', true, 'alive, up'],
      ['OVN Controller Gateway agent', 'u20ovn', false, 'dead, down'],
      ['OVN Metadata agent', 'u20ovn', false, 'dead, down'],
    ])
  })

  it('volume service list (no ID column), with the shell prompt and command around it', () => {
    const pasted = `[root@openstack ~(keystone_admin)]# openstack volume service list\n${table('volume-service-list.txt')}[root@openstack ~(keystone_admin)]#\n`
    expect(brief('volume', pasted)).toEqual([
      ['cinder-scheduler', 'openstack.test.com', true, 'up, enabled'],
      ['cinder-volume', 'openstack.test.com@lvm', true, 'up, enabled'],
      ['cinder-backup', 'openstack.test.com', true, 'up, enabled'],
    ])
    // A volume service is on the node its host names, whatever its backend.
    expect(parseApiServices('volume', pasted).map((s) => serviceNode(s.host))).toEqual([
      'openstack.test.com',
      'openstack.test.com',
      'openstack.test.com',
    ])
  })

  it('a table and the JSON of the same rows give the same services', () => {
    const rows = parseTable(table('compute-service-list-down.txt'))!
    expect(parseApiServices('compute', JSON.stringify(rows))).toEqual(
      parseApiServices('compute', table('compute-service-list-down.txt')),
    )
  })

  it('an empty table is an empty list; text that is neither JSON nor a table is an error', () => {
    const empty =
      '+----+--------+------+\n| ID | Binary | Host |\n+----+--------+------+\n+----+--------+------+\n'
    expect(parseApiServices('compute', empty)).toEqual([])
    expect(() =>
      parseApiServices('volume', 'Missing value auth-url required for auth plugin password'),
    ).toThrow(/neither JSON nor a table/)
    expect(() => parseApiServices('volume', '')).toThrow()
    expect(() => parseApiServices('compute', '{"error": 1}')).toThrow()
  })

  it('rows that do not fit the header (a wrapped cell, a stray line) are left out, not misread', () => {
    const text = `${table('compute-service-list-down.txt')}| stray | line |\n`
    expect(parseApiServices('compute', text)).toHaveLength(3)
  })
})
