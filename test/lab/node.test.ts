// Lab test bed: a real guest from the offline template, built and booted through the engine code a user
// runs (virt-builder from the local repository, overlay, virt-customize, libvirt QEMU driver), reached over
// SSH on its fixed address with the host key Stacklab made, then snapshots, a lab checkpoint and a graceful
// shutdown on the real guest, and a teardown that leaves nothing behind.
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Client } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRun } from '../../src-main/engine/exec'
import { createLogger } from '../../src-main/engine/log'
import { createVirsh } from '../../src-main/engine/libvirt/virsh'
import { domainDelete, domainGet, domainShutdown, domainStart } from '../../src-main/engine/libvirt/domain'
import { networkCreate, networkDelete, networkList } from '../../src-main/engine/libvirt/network'
import { snapshotSupport } from '../../src-main/engine/libvirt/snapshot'
import {
  checkpointCreate,
  checkpointList,
  checkpointRestore,
  checkpointDelete,
} from '../../src-main/engine/libvirt/checkpoint'
import {
  nodeReachable,
  provisionNode,
  rootPasswordFile,
  type ProvisionedNode,
} from '../../src-main/engine/lab/provision-node'
import { labFiles } from '../../src-main/engine/lab/files'
import { runPreflight } from '../../src-main/engine/preflight/run'
import { sshExec } from '../../src-main/engine/ssh/client'
import { LabDefinition, PRESETS } from '../../src-shared/lab'

const uri = process.env['STACKLAB_LAB_URI']
const images = process.env['STACKLAB_LAB_IMAGES']
const work = process.env['STACKLAB_LAB_WORK']
const repo = process.env['STACKLAB_TEMPLATE_REPO']

const logFile = join(work ?? '/tmp', 'stacklab.log')
const run = createRun(createLogger(logFile))
const virsh = createVirsh(run, uri ?? 'qemu:///system')
const preset = PRESETS.find((p) => p.id === 'debian-12-stacklab')!
const lab = LabDefinition.parse({
  name: 'labt',
  preset: 'debian-12-stacklab',
  release: 'test',
  domain: 'example.com',
  networks: [
    { name: 'default', mode: 'nat', subnet: '192.168.122.0/24' },
    { name: 'labt-int', mode: 'isolated', subnet: '192.168.90.0/24' },
  ],
  nodes: [
    {
      name: 'controller',
      role: 'controller',
      vcpus: 2,
      memoryMiB: 4096,
      diskGiB: 4,
      nics: [
        { network: 'default', ip: '192.168.122.100' },
        { network: 'labt-int', ip: '192.168.90.100' },
      ],
    },
  ],
})

let node: ProvisionedNode
let ssh: Client | null = null

beforeAll(() => {
  if (!uri || !images || !work || !repo)
    throw new Error('run the lab tests with `npm run test:lab` (it sets up the test bed)')
  mkdirSync(work, { recursive: true, mode: 0o700 })
})
afterAll(() => ssh?.end())

describe('one node on the lab test bed', () => {
  it('preflight sees the QEMU driver and plans software emulation here', async () => {
    const report = await runPreflight({
      uri: uri!,
      run,
      host: { root: '/', path: process.env['PATH']!, uid: 0, user: 'root' },
      imagesDir: images!,
    })
    const by = Object.fromEntries(report.checks.map((c) => [c.id, c]))
    expect(by['libvirt-connection']!.status).toBe('ok')
    expect(by['default-network']!.status).toBe('ok')
    expect(report.virtType).toBe(by['kvm-device']!.status === 'ok' ? 'kvm' : 'qemu')
  })

  it('builds and boots the controller through the engine, and reaches it over SSH with the pinned host key', async () => {
    await networkCreate(virsh, {
      name: 'labt-int',
      mode: 'isolated',
      subnet: '192.168.90.0/24',
      staticHosts: [],
      autostart: false,
    })
    const steps: string[] = []
    const files = labFiles(work!, 'labt')
    const password = await rootPasswordFile(files, 'Lab-Root-Pw-7f3a9c')
    const t0 = Date.now()
    node = await provisionNode(
      {
        run,
        virsh,
        lab,
        preset,
        virtType: 'qemu',
        imagesDir: images!,
        files,
        source: { reposDir: repo!, noCheckSignature: true },
        onStep: (_n, s) => steps.push(s),
      },
      lab.nodes[0]!,
      password,
    )
    console.log(
      `provisioned in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${steps.filter((s) => !s.startsWith('base image:')).join(' → ')}`,
    )
    expect(steps.filter((s) => !s.startsWith('base image:'))).toEqual([
      'base image',
      'node disk',
      'customisation',
      'customised', // the appliance says when this disk is done (and its root grown)
      'VM definition',
      'boot',
    ])
    const t1 = Date.now()
    ssh = await nodeReachable(node, { timeoutMs: 10 * 60_000 })
    console.log(`SSH answered ${((Date.now() - t1) / 1000).toFixed(0)} s after boot`)
    const r = await sshExec(
      ssh,
      'hostname -f; ip -4 -o addr show dev eth0; ip -4 -o addr show dev eth1; cat /etc/machine-id; ip route show default',
    )
    expect(r.code).toBe(0)
    // The 4 GiB node disk over the 3 GiB template: the root file system was grown to fill it.
    const rootBytes = Number((await sshExec(ssh, 'df -B1 --output=size / | tail -1')).stdout.trim())
    expect(rootBytes).toBeGreaterThan(3.65 * 1024 ** 3)
    const [fqdn, eth0, eth1, machineId, route] = r.stdout.trim().split('\n')
    expect(fqdn).toBe('controller.example.com')
    expect(eth0).toContain('inet 192.168.122.100/24')
    expect(eth1).toContain('inet 192.168.90.100/24')
    expect(machineId).toMatch(/^[0-9a-f]{32}$/)
    expect(route).toContain('via 192.168.122.1 dev eth0')
  })

  it('has the packstack and openstack test doubles the later lab tests use', async () => {
    const r = await sshExec(ssh!, 'head -5 /usr/bin/packstack; command -v openstack openstack-service')
    expect(r.stdout).toMatch(/TEST DOUBLE/i)
    expect(r.stdout).toContain('/usr/bin/openstack')
  })

  it('never put the root password on a command line or in the log', async () => {
    const { readFileSync } = await import('node:fs')
    expect(readFileSync(logFile, 'utf8')).not.toContain('Lab-Root-Pw-7f3a9c')
  })

  it('knows internal snapshots work on its qcow2 disk, and takes and restores a lab checkpoint of the running guest', async () => {
    const support = await snapshotSupport(virsh, node.domain)
    expect(support.internal.supported).toBe(true)
    expect(support.memory.supported).toBe(true)
    await sshExec(ssh!, 'echo before > /root/marker; sync')
    await checkpointCreate(virsh, [node.domain], 'fresh', 'first boot')
    await sshExec(ssh!, 'echo after > /root/marker; sync')
    ssh!.end()
    ssh = null
    await checkpointRestore(virsh, [node.domain], 'fresh')
    expect((await domainGet(virsh, node.domain)).state).toBe('running')
    ssh = await nodeReachable(node, { timeoutMs: 5 * 60_000 })
    expect((await sshExec(ssh, 'cat /root/marker')).stdout.trim()).toBe('before')
    expect((await checkpointList(virsh, [node.domain])).map((c) => c.name)).toEqual(['fresh'])
    await checkpointDelete(virsh, [node.domain], 'fresh')
  })

  it('shuts the guest down gracefully (ACPI), then starts it again', async () => {
    ssh?.end()
    ssh = null
    expect(await domainShutdown(virsh, node.domain, { timeoutMs: 5 * 60_000, fallback: 'leave' })).toBe(
      'shut-off',
    )
    await domainStart(virsh, node.domain)
    ssh = await nodeReachable(node, { timeoutMs: 10 * 60_000 })
    // As in the seeds (hostnamectl set-hostname controller.example.com), the host name is the full name.
    expect((await sshExec(ssh, 'hostname')).stdout.trim()).toBe('controller.example.com')
  })

  it('tears down: the domain, its disk and the network are gone', async () => {
    ssh?.end()
    ssh = null
    await domainDelete(virsh, node.domain, true, (path) => path === node.disk)
    await networkDelete(virsh, 'labt-int')
    expect(existsSync(node.disk)).toBe(false)
    expect((await networkList(virsh)).map((n) => n.name)).not.toContain('labt-int')
    expect(readdirSync(join(images!, 'labt'))).toEqual([])
  })
})
