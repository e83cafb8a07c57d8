// The wizard's draft against the host (src-renderer/src/state/wizard.ts), as the page calls it on every
// keystroke: clashes and offers keyed by the wizard's fields, and a draft a YAML file made into any shape
// at all is never a crash (the schema names its problems; the host is checked once it has the lab's shape).
import { describe, expect, it } from 'vitest'
import { defaultLab } from '../../src-shared/lab'
import type { HostView } from '../../src-shared/lab-host'
import { parseNetworkXml } from '../../src-main/engine/libvirt/network-xml'
import { checkHost, useWizard, type Draft } from '../../src-renderer/src/state/wizard'

const net = (name: string, mode: string, prefix: string) =>
  parseNetworkXml(
    `<network><name>${name}</name>${mode === 'nat' ? "<forward mode='nat'/>" : ''}<ip address='${prefix}.1' prefix='24'/></network>`,
    { active: true, autostart: true, persistent: true },
  )
const host: HostView = {
  networks: [net('default', 'nat', '192.168.122'), net('lab1-int', 'isolated', '192.168.90')],
  domains: [{ name: 'lab1-controller', nics: [] }],
  labs: [],
}

describe("the wizard's draft against the host", () => {
  it('names each clash by its field and offers a free value for it', () => {
    expect(checkHost(defaultLab('lab1'), host)).toEqual({
      issues: {
        'networks-1-name': ["a network named lab1-int already exists on this host and is not this lab's"],
        'nodes-0-name': ["a VM named lab1-controller already exists on this host and is not this lab's"],
      },
      proposals: { name: 'lab2', 'nodes-0-name': 'controller2' },
    })
    expect(checkHost(defaultLab('lab2'), { ...host, networks: [host.networks[0]!] })).toEqual({
      issues: {},
      proposals: {},
    })
  })

  it('a draft of any shape a YAML file can give is checked without a crash', () => {
    const shapes: unknown[] = [
      { name: 'x', networks: [null], nodes: [] },
      { name: 'x', networks: [{ name: 5, mode: 'nat', subnet: '10.0.0.0/24' }], nodes: [] },
      { name: 'x', networks: [], nodes: [{ name: 'a', nics: 'eth0' }] },
      { name: 'x', networks: [], nodes: [{ name: 'a', nics: [null] }] },
      { name: 'x', networks: [], nodes: [{ name: 'a', nics: [{ network: 'default', ip: 7 }] }] },
      { name: 'x', networks: [], nodes: [null] },
      { name: ['x'], networks: [], nodes: [] },
      { name: 'x', networks: {}, nodes: [] },
    ]
    for (const draft of shapes) expect(checkHost(draft as Draft, host)).toEqual({ issues: {}, proposals: {} })
  })

  it("renaming a network (a free name offered for one from YAML) moves the nodes' NICs with it", () => {
    const w = useWizard.getState()
    w.reset()
    useWizard.getState().renameNetwork(1, 'mgmt')
    const draft = useWizard.getState().draft
    expect(draft.networks.map((n) => n.name)).toEqual(['default', 'mgmt'])
    expect(draft.nodes.map((n) => n.nics.map((c) => c.network))).toEqual([
      ['default', 'mgmt'],
      ['default', 'mgmt'],
    ])
  })
})
