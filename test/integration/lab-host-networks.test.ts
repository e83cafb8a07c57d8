// `lab.validate` makes the checks create makes against the host's networks, through the real API against the
// run's libvirtd (test driver): the NAT network must exist, be NAT and have the definition's subnet; an
// internal network's name and subnet must be free; a node's VM name must be free. Create refuses the same
// before it saves or makes anything.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { LabDefinition, defaultLab } from '../../src-shared/lab'
import type { ApiError } from '../../src-shared/errors'
import type { Engine } from '../../src-main/engine/engine'
import { newLabState } from '../../src-main/engine/lab/journal'
import { LabStore } from '../../src-main/engine/lab/store'
import { tempDir, tempPaths, testEngine } from '../helpers'

describe("validate makes create's checks against the host's networks (libvirtd test driver)", () => {
  const { testUri } = inject('libvirt')
  let engine: Engine
  let dir: ReturnType<typeof tempDir>
  const virsh = (...args: string[]) => execFileSync('virsh', ['-c', testUri, ...args], { encoding: 'utf8' })
  const validate = async (definition: unknown) => await engine.api.call('lab.validate', { definition })

  beforeAll(async () => {
    dir = tempDir('stacklab-sec-host-')
    mkdirSync(join(dir.dir, 'images'))
    engine = testEngine(dir.dir)
    await engine.api.call('settings.update', { connectionUri: testUri, imagesDir: join(dir.dir, 'images') })
    const xml = join(dir.dir, 'taken.xml')
    writeFileSync(
      xml,
      "<network><name>sec-taken</name><ip address='192.168.77.1' netmask='255.255.255.0'/></network>",
    )
    virsh('net-define', xml)
  })
  afterAll(async () => {
    virsh('net-undefine', 'sec-taken')
    if (virsh('list', '--all', '--name').includes('sechost-controller'))
      virsh('undefine', 'sechost-controller')
    await engine.close()
    dir.cleanup()
  })

  it('the default lab fits this host: valid, nothing left unchecked', async () => {
    expect(await validate(defaultLab('sechost'))).toEqual({ ok: true, issues: [], warnings: [] })
  })

  it('a NAT network the host does not have, or on another subnet, is refused by validate and create', async () => {
    const missing = LabDefinition.parse(defaultLab('sechost'))
    missing.networks[0]!.name = 'nonat'
    for (const n of missing.nodes) n.nics[0].network = 'nonat'
    const m = await validate(missing)
    expect(m.ok).toBe(false)
    expect(m.issues).toContainEqual({
      path: 'networks.0.name',
      message: expect.stringMatching(/^no network named nonat on this host/) as string,
    })
    const moved = LabDefinition.parse(defaultLab('sechost'))
    moved.networks[0]!.subnet = '192.168.123.0/24'
    moved.nodes[0]!.nics[0].ip = '192.168.123.100'
    moved.nodes[1]!.nics[0].ip = '192.168.123.110'
    expect((await validate(moved)).issues).toContainEqual({
      path: 'networks.0.subnet',
      message:
        'network default on this host is 192.168.122.0/24, not 192.168.123.0/24: write its subnet and node addresses in it',
    })
    const refused = await engine.api.call('lab.create', { definition: moved }).catch((e: unknown) => e)
    expect((refused as ApiError).code).toBe('bad-request')
    expect((refused as ApiError).issues).toContainEqual({
      path: 'definition.networks.0.subnet',
      message: expect.stringMatching(/on this host is 192.168.122.0\/24/) as string,
    })
    expect(existsSync(join(tempPaths(dir.dir).data, 'labs', 'sechost'))).toBe(false)
  })

  it('an internal network whose name or subnet is taken on the host is refused before anything is made', async () => {
    const taken = defaultLab('sechost')
    taken.networks[1]!.name = 'sec-taken'
    for (const n of taken.nodes) n.nics[1]!.network = 'sec-taken'
    expect((await validate(taken)).issues).toContainEqual({
      path: 'networks.1.name',
      message: "a network named sec-taken already exists on this host and is not this lab's",
    })
    const overlap = defaultLab('sechost')
    overlap.networks[1]!.subnet = '192.168.77.0/24'
    overlap.nodes[0]!.nics[1]!.ip = '192.168.77.100'
    overlap.nodes[1]!.nics[1]!.ip = '192.168.77.110'
    expect((await validate(overlap)).issues).toContainEqual({
      path: 'networks.1.subnet',
      message: '192.168.77.0/24 overlaps 192.168.77.0/24 of network sec-taken on this host',
    })
    const refused = await engine.api.call('lab.create', { definition: overlap }).catch((e: unknown) => e)
    expect((refused as ApiError).code).toBe('bad-request')
    expect(virsh('net-list', '--all', '--name')).not.toContain('sechost-int')
    expect(existsSync(join(tempPaths(dir.dir).data, 'labs', 'sechost'))).toBe(false)
  })

  it("a node whose VM name the host has (someone else's VM) is refused before anything is made", async () => {
    const xml = join(dir.dir, 'vm.xml')
    writeFileSync(
      xml,
      "<domain type='test'><name>sechost-controller</name><memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>",
    )
    virsh('define', xml)
    const lab = defaultLab('sechost')
    expect(await validate(lab)).toMatchObject({
      ok: false,
      issues: [
        {
          path: 'nodes.0.name',
          message: "a VM named sechost-controller already exists on this host and is not this lab's",
        },
      ],
    })
    const refused = await engine.api.call('lab.create', { definition: lab }).catch((e: unknown) => e)
    expect((refused as ApiError).code).toBe('bad-request')
    expect((refused as ApiError).issues).toContainEqual({
      path: 'definition.nodes.0.name',
      message: expect.stringMatching(/a VM named sechost-controller already exists/) as string,
    })
    expect(virsh('net-list', '--all', '--name')).not.toContain('sechost-int')
    expect(existsSync(join(tempPaths(dir.dir).data, 'labs', 'sechost'))).toBe(false)
    // The user's VM is still there, as it was.
    expect(virsh('list', '--all', '--name')).toContain('sechost-controller')
  })

  it("adding a node whose VM name the host has (someone else's VM) is refused before anything changes", async () => {
    const xml = join(dir.dir, 'vm2.xml')
    writeFileSync(
      xml,
      "<domain type='test'><name>ready-compute2</name><memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>",
    )
    virsh('define', xml)
    const store = new LabStore(tempPaths(dir.dir).data)
    // A lab made earlier: its own VMs are not clashes, the new node's name is.
    const state = {
      ...newLabState(LabDefinition.parse(defaultLab('ready')), 'qemu'),
      status: 'ready' as const,
    }
    state.resources.domains = ['ready-controller', 'ready-compute']
    await store.save(state)
    const node = {
      name: 'compute2',
      role: 'compute' as const,
      vcpus: 1,
      memoryMiB: 1024,
      diskGiB: 10,
      nics: [{ network: 'default', ip: '192.168.122.120' }],
    }
    const refused = await engine.api.call('lab.addNode', { name: 'ready', node }).catch((e: unknown) => e)
    expect((refused as ApiError).code).toBe('bad-request')
    expect((refused as ApiError).issues).toEqual([
      {
        path: 'node.name',
        message: "a VM named ready-compute2 already exists on this host and is not this lab's",
      },
    ])
    const after = await store.get('ready')
    expect(after?.status).toBe('ready')
    expect(after?.definition.nodes.map((n) => n.name)).toEqual(['controller', 'compute'])
    expect(await engine.api.call('jobs.list', {})).toEqual([])
    expect(virsh('list', '--all', '--name')).toContain('ready-compute2')
    await store.remove('ready')
  })
})
