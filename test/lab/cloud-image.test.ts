// A lab from a cloud image on a real guest: the offline test template published also as a qcow2 "cloud
// image" (with a checksum file beside it, BSD format as CentOS writes it) by an HTTP server on loopback
// inside the test bed's namespace, and a one-node lab built from it through the engine, as a user would
// with `image: { url, checksumUrl }`. The node boots, answers SSH with its pinned host key, has its host
// name, fixed addresses and a root grown to its disk, and cloud-init (planted in the image so the rule has
// something to act on) is turned off. virt-builder is not used for this lab's base.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  createReadStream,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src-main/engine/engine'
import { appPaths } from '../../src-main/engine/paths'
import { sshConnect, sshExec } from '../../src-main/engine/ssh/client'
import { cloudBaseName } from '../../src-shared/cloud-image'
import type { LabDefinitionInput, LabState } from '../../src-shared/lab'
import { jobFinished } from '../helpers'
import { labEngine, labEnvironment } from './lab-helpers'

const env = labEnvironment()
const work = join(env.work, `cloud-${process.pid}`)
// Its own images folder, so the shared base cache the other lab tests look at holds no cloud base.
const images = join(env.images, 'cloud-test')
const IMAGE = 'stacklab-cloud.x86_64.qcow2'
const requests: { path: string; range: string | undefined }[] = []
let server: http.Server
let engine: Engine
let sha256 = ''
let base = ''

function sh(cmd: string, args: string[], extra: Record<string, string> = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...extra } })
}

beforeAll(async () => {
  mkdirSync(work, { recursive: true, mode: 0o700 })
  mkdirSync(images, { recursive: true })
  // The template's raw disk (sparse when xz writes a file), as a qcow2: what a distribution publishes.
  const xz = join(work, 'template.raw.xz')
  writeFileSync(xz, readFileSync(join(env.repo, 'debian-12-stacklab.xz')))
  sh('xz', ['-d', '-T2', xz])
  const qcow2 = join(work, IMAGE)
  sh('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', join(work, 'template.raw'), qcow2])
  rmSync(join(work, 'template.raw'))
  // Cloud images carry cloud-init; plant its folder so the node's rule has something to turn off.
  sh('guestfish', ['--format=qcow2', '-a', qcow2, '-m', '/dev/sda1', 'mkdir-p', '/etc/cloud'], {
    LIBGUESTFS_BACKEND: 'direct',
    LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg',
  })
  const hash = createHash('sha256')
  await pipeline(createReadStream(qcow2), hash)
  sha256 = hash.digest('hex')
  writeFileSync(
    join(work, 'SHA256SUM'),
    `# ${IMAGE}: ${statSync(qcow2).size} bytes\nSHA256 (${IMAGE}) = ${sha256}\n`,
  )

  server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    requests.push({ path, range: req.headers.range })
    const file =
      path === `/images/${IMAGE}` ? qcow2 : path === '/images/SHA256SUM' ? join(work, 'SHA256SUM') : null
    if (!file) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-length': statSync(file).size })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/images`
  engine = (await labEngine(env)).engine
  await engine.api.call('settings.update', { imagesDir: images })
})

afterAll(async () => {
  await engine?.close()
  await new Promise((resolve) => server?.close(resolve))
  rmSync(work, { recursive: true, force: true })
  rmSync(images, { recursive: true, force: true })
})

describe('a lab from a cloud image', () => {
  const lab: LabDefinitionInput = {
    name: 'cl',
    preset: 'debian-12-stacklab',
    release: 'test',
    domain: 'example.com',
    networks: [
      { name: 'default', mode: 'nat', subnet: '192.168.122.0/24' },
      { name: 'cl-int', mode: 'isolated', subnet: '192.168.90.0/24' },
    ],
    nodes: [
      {
        name: 'controller',
        role: 'controller',
        vcpus: 2,
        memoryMiB: 4096,
        diskGiB: 5,
        nics: [
          { network: 'default', ip: '192.168.122.100' },
          { network: 'cl-int', ip: '192.168.90.100' },
        ],
      },
    ],
  }
  let state: LabState

  it('is created through the engine from the image URL and its checksum file, with download progress', async () => {
    lab.image = { url: `${base}/${IMAGE}`, checksumUrl: `${base}/SHA256SUM` }
    const job = await jobFinished(engine, (await engine.api.call('lab.create', { definition: lab })).id)
    expect(job.error).toBeNull()
    expect(job.state).toBe('succeeded')
    expect(job.log.join('\n')).toMatch(/controller: base image: downloaded \d+\.\d+ [MG]iB/)
    expect(requests.map((r) => r.path)).toEqual(['/images/SHA256SUM', `/images/${IMAGE}`])
    state = await engine.api.call('lab.get', { name: 'cl' })
    expect(state.baseImage).toEqual({ sha256 })
    // The cloud base, and no virt-builder template base.
    const bases = readdirSync(join(images, 'stacklab-base')).filter((f) => f.endsWith('.qcow2'))
    expect(bases).toEqual([cloudBaseName(sha256)])
    expect(statSync(join(images, 'stacklab-base', cloudBaseName(sha256))).mode & 0o777).toBe(0o644)
  })

  it('boots the node with its name, fixed addresses, grown root and the pinned host key; cloud-init is off', async () => {
    const key = readFileSync(join(appPaths(env.xdg).data, 'labs', 'cl', 'ssh', 'id_ed25519'))
    const node = state.nodes['controller']!
    const ssh = await sshConnect({
      host: node.address,
      username: 'root',
      privateKey: key,
      fingerprint: node.hostKeyFingerprint,
    })
    try {
      const r = await sshExec(
        ssh,
        'hostname -f; ip -4 -o addr show dev eth0; ip -4 -o addr show dev eth1; test -e /etc/cloud/cloud-init.disabled && echo cloud-init-off; df -B1 --output=size / | tail -1',
      )
      const lines = r.stdout.trim().split('\n')
      expect(lines[0]).toBe('controller.example.com')
      expect(lines[1]).toContain('inet 192.168.122.100/24')
      expect(lines[2]).toContain('inet 192.168.90.100/24')
      expect(lines[3]).toBe('cloud-init-off')
      // The 3 GiB image's root grew to the node's 5 GiB disk.
      expect(Number(lines[4])).toBeGreaterThan(4.6 * 1024 ** 3)
    } finally {
      ssh.end()
    }
  })

  it('deletes the lab; the cloud base stays for the next lab', async () => {
    const job = await jobFinished(engine, (await engine.api.call('lab.delete', { name: 'cl' })).id)
    expect(job.state).toBe('succeeded')
    expect(await engine.api.call('labs.list', {})).toEqual([])
    expect(readdirSync(join(images, 'stacklab-base'))).toContain(cloudBaseName(sha256))
  })
})
