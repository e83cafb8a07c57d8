// Security (issue #11, item 3): node disks hold the nodes' host private keys, the root password hash and
// later OpenStack's passwords. Their folders are 0711 and the files 0600 whatever the umask (and an older
// version's 0755/0644 are tightened when Stacklab next touches them), a real QEMU guest under the QEMU
// driver still starts on such a disk, and a file Stacklab's records do not say it made is never overwritten
// or deleted: not by lab create, not by lab delete (through the real API and the real CLI), not by deleting
// a VM with its disks.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringify } from 'yaml'
import { defaultLab, LabDefinition, nodeDiskFile, type LabState } from '../../src-shared/lab'
import type { Engine } from '../../src-main/engine/engine'
import { createRun } from '../../src-main/engine/exec'
import { nullLogger } from '../../src-main/engine/log'
import { createOverlay, ensureBaseImage } from '../../src-main/engine/provision/image'
import { domainDefine, domainDelete, domainGet, domainStart } from '../../src-main/engine/libvirt/domain'
import { domainXml } from '../../src-main/engine/libvirt/domain-xml'
import { createVirsh } from '../../src-main/engine/libvirt/virsh'
import { newLabState } from '../../src-main/engine/lab/journal'
import { LabStore } from '../../src-main/engine/lab/store'
import { jobFinished, rejection, runStacklab, tempDir, testEngine, xdgEnv } from '../helpers'
import { ApiError } from '../../src-shared/errors'

const run = createRun(nullLogger)
const mode = (path: string) => statSync(path).mode & 0o777
let t: ReturnType<typeof tempDir>
let imagesDir: string
let base: string

beforeAll(async () => {
  t = tempDir('stacklab-sec-disks-')
  // QEMU under the system daemon runs as its own user: every folder above the images must let it pass.
  chmodSync(t.dir, 0o711)
  imagesDir = join(t.dir, 'images')
  mkdirSync(imagesDir, { mode: 0o711 })
  // A base cache as an older Stacklab (or a careless umask) left it: a 0755 folder and a world-writable file.
  const cache = join(imagesDir, 'stacklab-base')
  mkdirSync(cache, { mode: 0o755 })
  chmodSync(cache, 0o755)
  base = join(cache, 'tiny-1G.qcow2')
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M'])
  chmodSync(base, 0o666)
  const found = await ensureBaseImage(run, {
    template: 'tiny',
    sizeGiB: 1,
    cacheDir: cache,
    source: {},
    virtType: 'qemu',
  })
  expect(found).toEqual({ path: base, cached: true })
})
afterAll(() => t.cleanup())

describe('modes', () => {
  it('lab folders are 0711 and overlays 0600 whatever the umask; an old base cache is tightened', async () => {
    expect(mode(join(imagesDir, 'stacklab-base'))).toBe(0o711)
    expect(mode(base)).toBe(0o644) // readable for QEMU's user and non-root owners; holds no secret
    const old = process.umask(0) // the most permissive umask: modes must not come from it
    try {
      const fresh = nodeDiskFile(imagesDir, 'modes', 'controller')
      await createOverlay(run, base, fresh, 1)
      expect(mode(join(imagesDir, 'modes'))).toBe(0o711)
      expect(mode(fresh)).toBe(0o600)
      // A lab folder an older version made 0755 is tightened when the next disk goes in.
      mkdirSync(join(imagesDir, 'older'), { mode: 0o755 })
      await createOverlay(run, base, nodeDiskFile(imagesDir, 'older', 'compute'), 1)
      expect(mode(join(imagesDir, 'older'))).toBe(0o711)
      expect(mode(nodeDiskFile(imagesDir, 'older', 'compute'))).toBe(0o600)
    } finally {
      process.umask(old)
    }
    // Another local user can neither list the folder nor read the disk.
    const nobody = (args: string[]) =>
      execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...args], {
        stdio: 'pipe',
      })
    expect(() => nobody(['ls', join(imagesDir, 'modes')])).toThrow(/Permission denied/)
    expect(() => nobody(['head', '-c1', nodeDiskFile(imagesDir, 'modes', 'controller')])).toThrow(
      /Permission denied/,
    )
  })

  it('a real QEMU guest under the QEMU driver starts on a 0600 overlay in a 0711 folder', async () => {
    const virsh = createVirsh(run, inject('libvirt').qemuUri)
    const disk = nodeDiskFile(imagesDir, 'boot', 'node')
    await createOverlay(run, base, disk, 1)
    expect(mode(disk)).toBe(0o600)
    const name = `stacklab-sec-disk-${process.pid}`
    await domainDefine(
      virsh,
      domainXml({
        name,
        type: 'qemu',
        vcpus: 1,
        memoryMiB: 64,
        disks: [{ path: disk, format: 'qcow2', target: 'vda' }],
        nics: [],
      }),
    )
    try {
      await domainStart(virsh, name)
      expect((await domainGet(virsh, name)).state).toBe('running')
    } finally {
      await domainDelete(virsh, name, false, () => false)
    }
    // libvirt gave the file back: still 0600, owned by Stacklab's user again.
    expect(mode(disk)).toBe(0o600)
    expect(statSync(disk).uid).toBe(process.getuid!())
  })
})

describe('files Stacklab did not make', () => {
  let engine: Engine
  const settings = () => ({ connectionUri: inject('libvirt').testUri, imagesDir })
  beforeAll(async () => {
    engine = testEngine(join(t.dir, 'engine'))
    await engine.api.call('settings.update', settings())
  })
  afterAll(() => engine.close())

  it('lab create refuses a path where a file of the user is, and leaves it as it was (API and CLI)', async () => {
    const planted = nodeDiskFile(imagesDir, 'lab1', 'controller')
    mkdirSync(join(imagesDir, 'lab1'), { recursive: true })
    writeFileSync(planted, 'the user’s own disk image\n')
    const error = await rejection(engine.api.call('lab.create', { definition: defaultLab('lab1') }), ApiError)
    expect(error.code).toBe('bad-request')
    expect(error.message).toContain(`${planted} already exists and Stacklab did not make it`)
    expect(error.issues?.map((i) => i.path)).toEqual(['definition.nodes.0.name'])
    expect(await engine.api.call('labs.list', {})).toEqual([])

    // The command line says the same, and nothing is made.
    const cli = join(t.dir, 'cli')
    const xdg = xdgEnv(cli)
    mkdirSync(join(xdg.XDG_CONFIG_HOME, 'stacklab'), { recursive: true })
    writeFileSync(join(xdg.XDG_CONFIG_HOME, 'stacklab', 'settings.json'), JSON.stringify(settings()))
    const yaml = join(t.dir, 'lab1.yaml')
    writeFileSync(yaml, stringify(defaultLab('lab1')))
    const r = await runStacklab(cli, 'lab', 'create', yaml)
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(`${planted} already exists and Stacklab did not make it`)
    expect(JSON.parse((await runStacklab(cli, 'lab', 'list', '--json')).stdout)).toEqual([])
    expect(readFileSync(planted, 'utf8')).toBe('the user’s own disk image\n')
  })

  it('lab delete removes only the disks its records list, inside its folder (API and CLI)', async () => {
    const store = new LabStore(join(t.dir, 'engine', 'data'))
    const made = nodeDiskFile(imagesDir, 'lab2', 'controller')
    await createOverlay(run, base, made, 1)
    // The user's own files: one in the lab's folder, one elsewhere that a damaged record points at.
    const theirs = nodeDiskFile(imagesDir, 'lab2', 'compute')
    writeFileSync(theirs, 'theirs\n')
    const elsewhere = join(t.dir, 'elsewhere.qcow2')
    writeFileSync(elsewhere, 'elsewhere\n')
    const state: LabState = {
      ...newLabState(LabDefinition.parse(defaultLab('lab2')), 'qemu'),
      status: 'ready',
    }
    state.resources.disks = [made, elsewhere]
    await store.save(state)

    const refused = await jobFinished(engine, (await engine.api.call('lab.delete', { name: 'lab2' })).id)
    expect(refused.state).toBe('failed')
    expect(refused.error?.message).toContain(`Nothing was removed: ${elsewhere} is outside the lab's folder`)
    expect([existsSync(made), readFileSync(theirs, 'utf8'), readFileSync(elsewhere, 'utf8')]).toEqual([
      true,
      'theirs\n',
      'elsewhere\n',
    ])

    // With its records intact, the CLI deletes the lab: its own disk goes, the user's files stay.
    state.resources.disks = [made]
    await store.save(state)
    const cli = join(t.dir, 'cli2')
    const xdg = xdgEnv(cli)
    mkdirSync(join(xdg.XDG_CONFIG_HOME, 'stacklab'), { recursive: true })
    writeFileSync(join(xdg.XDG_CONFIG_HOME, 'stacklab', 'settings.json'), JSON.stringify(settings()))
    const cliStore = new LabStore(join(xdg.XDG_DATA_HOME, 'stacklab'))
    await cliStore.save(state)
    const r = await runStacklab(cli, 'lab', 'delete', 'lab2')
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(made)).toBe(false)
    expect(readFileSync(theirs, 'utf8')).toBe('theirs\n')
    expect(readFileSync(elsewhere, 'utf8')).toBe('elsewhere\n')
  })

  it("deleting a VM with its disks never takes a shared base image or another lab's disk", async () => {
    const virsh = createVirsh(run, inject('libvirt').testUri)
    const labDisk = nodeDiskFile(imagesDir, 'lab3', 'controller')
    await createOverlay(run, base, labDisk, 1)
    const state: LabState = {
      ...newLabState(LabDefinition.parse(defaultLab('lab3')), 'qemu'),
      status: 'ready',
    }
    state.resources.disks = [labDisk]
    await new LabStore(join(t.dir, 'engine', 'data')).save(state)
    for (const [name, disk] of [
      ['stray-on-base', base],
      ['stray-on-lab', labDisk],
    ] as const) {
      await domainDefine(
        virsh,
        domainXml({
          name,
          type: 'test',
          vcpus: 1,
          memoryMiB: 64,
          disks: [{ path: disk, format: 'qcow2', target: 'vda' }],
          nics: [],
        }),
      )
      const e = await rejection(engine.api.call('domain.delete', { name, withDisks: true }), ApiError)
      expect(e.code).toBe('bad-request')
      expect(e.message).toMatch(/^Nothing was changed: /)
      expect((await domainGet(virsh, name)).name).toBe(name) // still defined
      await domainDelete(virsh, name, false, () => false)
    }
    expect([mode(base), mode(labDisk)]).toEqual([0o644, 0o600])
  })
})
