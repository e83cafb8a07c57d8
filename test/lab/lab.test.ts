// The lab pipeline on real guests, as a user runs it: the default two-node layout (sized down for software
// emulation) created from the offline template repository in one job, both nodes answering SSH with the
// host keys Stacklab made and the right names and addresses, a first checkpoint, a third node added, and a
// delete that leaves nothing behind. No secret shows up in any process's command line or in the log.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src-main/engine/engine'
import { appPaths } from '../../src-main/engine/paths'
import { sshConnect, sshExec } from '../../src-main/engine/ssh/client'
import type { Job } from '../../src-shared/jobs'
import type { LabState, LabDefinitionInput } from '../../src-shared/lab'
import { jobFinished } from '../helpers'
import { labEngine, labEnvironment, smallLab } from './lab-helpers'

const env = labEnvironment()
let engine: Engine
const cmdlines = new Set<string>()
let sampler: NodeJS.Timeout

function sampleCmdlines() {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      cmdlines.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))
    } catch {
      /* gone */
    }
  }
}

const finished = (job: Job): Promise<Job> => jobFinished(engine, job.id)

beforeAll(async () => {
  engine = (await labEngine(env)).engine
  sampler = setInterval(sampleCmdlines, 250)
})
afterAll(async () => {
  clearInterval(sampler)
  await engine.close()
})

describe('a lab from one click to deleted', () => {
  const lab: LabDefinitionInput = smallLab('tl')
  // The controller's empty second disk (Cinder's volume group in a distribution-packages install).
  lab.nodes.find((n) => n.role === 'controller')!.dataDiskGiB = 2
  let state: LabState

  it('creates the lab in one job with every step reported', async () => {
    const seen = new Set<string>()
    engine.on('job.updated', (j) => j.steps.forEach((s) => s.state === 'running' && seen.add(s.id)))
    const job = await finished(await engine.api.call('lab.create', { definition: lab }))
    expect(job.error).toBeNull()
    expect(job.state).toBe('succeeded')
    expect(job.progress).toBe(1)
    expect([...seen]).toEqual([
      'preflight',
      'networks',
      'base-image',
      'disks',
      'customise',
      'define',
      'boot',
      'ssh',
      'checkpoint',
    ])
    state = await engine.api.call('lab.get', { name: 'tl' })
    expect(state.status).toBe('ready')
    expect(state.resources.intents).toEqual([])
    expect(state.resources.domains.sort()).toEqual(['tl-compute', 'tl-controller'])
    expect(state.resources.networks).toEqual(['tl-int'])
    expect(state.resources.disks.map((d) => d.slice(env.images.length)).sort()).toEqual([
      '/tl/compute.qcow2',
      '/tl/controller.data.qcow2',
      '/tl/controller.qcow2',
    ])
  })

  it('boots both nodes with their names and fixed addresses, reachable with the pinned host keys', async () => {
    const key = readFileSync(join(appPaths(env.xdg).data, 'labs', 'tl', 'ssh', 'id_ed25519'))
    for (const [name, eth0, eth1] of [
      ['controller', '192.168.122.100', '192.168.90.100'],
      ['compute', '192.168.122.110', '192.168.90.110'],
    ] as const) {
      const node = state.nodes[name]!
      const ssh = await sshConnect({
        host: node.address,
        username: 'root',
        privateKey: key,
        fingerprint: node.hostKeyFingerprint,
      })
      const r = await sshExec(
        ssh,
        'hostname -f; ip -4 -o addr show dev eth0; ip -4 -o addr show dev eth1; getent hosts controller.example.com compute.example.com',
      )
      // The root file system fills the node's own disk (5 and 4 GiB), not the 3 GiB template it came from.
      const size = Number((await sshExec(ssh, 'df -B1 --output=size / | tail -1')).stdout.trim())
      // The controller's data disk is there by its serial, empty and whole; the compute has none.
      const vdb = await sshExec(
        ssh,
        'lsblk -bdn -o SIZE,FSTYPE "$(readlink -e /dev/disk/by-id/virtio-stacklab-data)"',
      )
      ssh.end()
      if (name === 'controller') expect(vdb.stdout.trim()).toBe(String(2 * 1024 ** 3))
      else expect(vdb.code).not.toBe(0)
      const gib = lab.nodes.find((n) => n.name === name)!.diskGiB
      expect(size, `${name} root file system bytes`).toBeGreaterThan((gib - 0.35) * 1024 ** 3)
      expect(size, `${name} root file system bytes`).toBeLessThanOrEqual(gib * 1024 ** 3)
      const lines = r.stdout.trim().split('\n')
      expect(lines[0]).toBe(`${name}.example.com`)
      expect(lines[1]).toContain(`inet ${eth0}/24`)
      expect(lines[2]).toContain(`inet ${eth1}/24`)
      expect(lines.slice(3).join('\n')).toMatch(
        /192\.168\.122\.100\s+controller\.example\.com[\s\S]*192\.168\.122\.110\s+compute\.example\.com/,
      )
    }
    const machineIds = new Set<string>()
    for (const node of Object.values(state.nodes)) {
      const ssh = await sshConnect({
        host: node.address,
        username: 'root',
        privateKey: key,
        fingerprint: node.hostKeyFingerprint,
      })
      machineIds.add((await sshExec(ssh, 'cat /etc/machine-id')).stdout.trim())
      ssh.end()
    }
    expect(machineIds.size).toBe(2)
    // Two disk sizes, one base image: built once for the template.
    const bases = readdirSync(join(env.images, 'stacklab-base')).filter((f) => f.endsWith('.qcow2'))
    expect(bases).toEqual(['debian-12-stacklab.qcow2'])
  })

  it('took the first lab checkpoint, "fresh", across both nodes', async () => {
    const cps = await engine.api.call('checkpoints.list', {
      domains: ['tl-controller', 'tl-compute'],
    })
    expect(cps.map((c) => [c.name, c.complete])).toEqual([['fresh', true]])
  })

  it("adds a third node (the seeds' compute1) the same way, and the others learn its name", async () => {
    const job = await finished(
      await engine.api.call('lab.addNode', {
        name: 'tl',
        node: {
          name: 'compute1',
          role: 'compute',
          vcpus: 1,
          memoryMiB: 1024,
          diskGiB: 4,
          nics: [
            { network: 'default', ip: '192.168.122.111' },
            { network: 'tl-int', ip: '192.168.90.111' },
          ],
        },
      }),
    )
    expect(job.error).toBeNull()
    state = await engine.api.call('lab.get', { name: 'tl' })
    expect(state.definition.nodes.map((n) => n.name)).toEqual(['controller', 'compute', 'compute1'])
    const key = readFileSync(join(appPaths(env.xdg).data, 'labs', 'tl', 'ssh', 'id_ed25519'))
    const n = state.nodes['compute1']!
    const ssh = await sshConnect({
      host: n.address,
      username: 'root',
      privateKey: key,
      fingerprint: n.hostKeyFingerprint,
    })
    expect((await sshExec(ssh, 'hostname -f')).stdout.trim()).toBe('compute1.example.com')
    ssh.end()
    const c = state.nodes['controller']!
    const ctl = await sshConnect({
      host: c.address,
      username: 'root',
      privateKey: key,
      fingerprint: c.hostKeyFingerprint,
    })
    expect((await sshExec(ctl, 'getent hosts compute1.example.com')).stdout).toContain('192.168.122.111')
    ctl.end()
  })

  it('never put the root password on a command line or in the log', () => {
    const password = readFileSync(
      join(appPaths(env.xdg).data, 'labs', 'tl', 'secrets', 'root-password'),
      'utf8',
    ).trim()
    expect(password.length).toBeGreaterThanOrEqual(16)
    expect(cmdlines.size).toBeGreaterThan(20)
    expect([...cmdlines].filter((c) => c.includes(password))).toEqual([])
    expect(readFileSync(appPaths(env.xdg).log, 'utf8')).not.toContain(password)
  })

  it('deletes exactly what it made: no domain, disk, network or file of the lab is left', async () => {
    const before = (await engine.api.call('networks.list', {})).map((n) => n.name)
    const job = await finished(await engine.api.call('lab.delete', { name: 'tl' }))
    expect(job.state).toBe('succeeded')
    const domains = (await engine.api.call('domains.list', {})).map((d) => d.name)
    expect(domains.filter((d) => d.startsWith('tl-'))).toEqual([])
    const nets = (await engine.api.call('networks.list', {})).map((n) => n.name)
    expect(nets).toEqual(before.filter((n) => n !== 'tl-int'))
    expect(nets).toContain('default')
    expect(existsSync(join(env.images, 'tl'))).toBe(false)
    expect(existsSync(join(appPaths(env.xdg).data, 'labs', 'tl'))).toBe(false)
    // The shared base image cache stays for the next lab.
    expect(readdirSync(join(env.images, 'stacklab-base')).length).toBeGreaterThan(0)
    expect(await engine.api.call('labs.list', {})).toEqual([])
  })
})
