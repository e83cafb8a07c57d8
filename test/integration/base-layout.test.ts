// The base image layout read from the image's bytes (layout-read.ts), on real disk images made here with
// sfdisk, mkfs and mkswap and turned into qcow2 with qemu-img, checked against what libguestfs itself says of
// the same images (one guestfish appliance for all of them), and the fallback to libguestfs where the reader
// cannot decide.
import { execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRun, type Run } from '../../src-main/engine/exec'
import { nullLogger } from '../../src-main/engine/log'
import { baseLayout, type BaseLayout } from '../../src-main/engine/provision/guestfish'
import { guestfsEnv } from '../../src-main/engine/provision/image'
import {
  classify,
  parseGptEntries,
  parseHexdump,
  parseTable,
  readLayout,
} from '../../src-main/engine/provision/layout-read'

const dir = mkdtempSync(join(tmpdir(), 'stacklab-layout-it-'))
const run: Run = createRun(nullLogger)
const tool = (cmd: string, args: string[], input?: string) =>
  execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'] })

/** Write a file system made in its own file into the disk at a partition's offset. */
function place(disk: string, fsFile: string, offsetMiB: number) {
  tool('dd', [
    `if=${fsFile}`,
    `of=${disk}`,
    'bs=1M',
    `seek=${offsetMiB}`,
    'conv=notrunc,sparse',
    'status=none',
  ])
  rmSync(fsFile)
}

function fsFile(name: string, sizeMiB: number, mkfs: string[], mkfsArgs: string[] = []): string {
  const f = join(dir, `${name}.fs`)
  tool('truncate', ['-s', `${sizeMiB}M`, f])
  tool(mkfs[0]!, [...mkfs.slice(1), ...mkfsArgs, f])
  return f
}

interface Made {
  name: string
  qcow2: string
  /** What the reader must say (null: not a plain case, libguestfs decides). */
  expected: Omit<BaseLayout, 'bytes'> | null
}

const GUID = {
  bios: '21686148-6449-6E6F-744E-656564454649',
  efi: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  linux: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
}

function image(name: string, sizeMiB: number, table: string | null, fill: (raw: string) => void): string {
  const raw = join(dir, `${name}.raw`)
  tool('truncate', ['-s', `${sizeMiB}M`, raw])
  if (table) tool('sfdisk', ['--quiet', raw], table)
  fill(raw)
  const qcow2 = join(dir, `${name}.qcow2`)
  tool('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2])
  rmSync(raw)
  return qcow2
}

const made: Made[] = []

beforeAll(() => {
  made.push({
    name: 'mbr-ext4',
    qcow2: image('mbr-ext4', 64, 'label: dos\nstart=2048, type=83\n', (raw) =>
      place(raw, fsFile('a', 63, ['mkfs.ext4', '-q', '-F']), 1),
    ),
    expected: { root: 1, table: 'msdos', fs: 'ext4', rootIsLast: true },
  })
  made.push({
    name: 'mbr-ext3-then-swap',
    qcow2: image('mbr-swap', 96, 'label: dos\nstart=2048, size=64M, type=83\ntype=82\n', (raw) => {
      place(raw, fsFile('b1', 64, ['mkfs.ext3', '-q', '-F']), 1)
      place(raw, fsFile('b2', 31, ['mkswap']), 65)
    }),
    expected: { root: 1, table: 'msdos', fs: 'ext3', rootIsLast: false },
  })
  made.push({
    name: 'gpt-bios-efi-xfs',
    qcow2: image(
      'gpt-xfs',
      400,
      `label: gpt\nstart=2048, size=1M, type=${GUID.bios}\nsize=32M, type=${GUID.efi}\ntype=${GUID.linux}\n`,
      (raw) => {
        place(raw, fsFile('c2', 32, ['mkfs.vfat']), 2)
        place(raw, fsFile('c3', 360, ['mkfs.xfs', '-q', '-f']), 34)
      },
    ),
    expected: { root: 3, table: 'gpt', fs: 'xfs', rootIsLast: true },
  })
  made.push({
    name: 'gpt-boot-and-root',
    qcow2: image(
      'gpt-two',
      128,
      `label: gpt\nstart=2048, size=32M, type=${GUID.linux}\ntype=${GUID.linux}\n`,
      (raw) => {
        place(raw, fsFile('d1', 32, ['mkfs.ext4', '-q', '-F']), 1)
        place(raw, fsFile('d2', 94, ['mkfs.ext4', '-q', '-F']), 33)
      },
    ),
    expected: null,
  })
  made.push({
    name: 'no-table',
    qcow2: image('bare', 64, null, (raw) => tool('mkfs.ext4', ['-q', '-F', raw])),
    expected: null,
  })
}, 120_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const virtualSize = (path: string) =>
  Number(
    (JSON.parse(tool('qemu-img', ['info', '--output=json', path]).toString()) as { 'virtual-size': number })[
      'virtual-size'
    ],
  )

describe('reading a base image layout from its bytes', () => {
  it('says what each real image is, and null where only inspection can tell', async () => {
    for (const m of made) {
      const bytes = virtualSize(m.qcow2)
      const read = await readLayout(run, m.qcow2, bytes)
      expect(read, m.name).toEqual(m.expected ? { ...m.expected, bytes } : null)
    }
  })

  it('agrees with libguestfs on every partition: number, start, file system', async () => {
    const devs = made.map((_, i) => `/dev/sd${String.fromCharCode(97 + i)}`)
    const script = [
      ...made.map((m) => `add-drive ${m.qcow2} format:qcow2 readonly:true`),
      'run',
      ...devs.flatMap((d) => [`echo mark ${d}`, `-part-list ${d}`]),
      'echo mark filesystems',
      'list-filesystems',
    ].join('\n')
    const { stdout } = await run('guestfish', [], {
      stdin: script + '\n',
      env: guestfsEnv('qemu'),
      timeoutMs: 10 * 60_000,
    })
    const sections = stdout.split(/^mark (\S+)$/m)
    const section = (key: string) => sections[sections.indexOf(key) + 1] ?? ''
    const fsOf = new Map(
      [...section('filesystems').matchAll(/^(\/dev\/\S+): (\S+)$/gm)].map((f) => [f[1]!, f[2]!]),
    )
    let compared = 0
    for (const [i, m] of made.entries()) {
      if (m.name === 'no-table') continue
      const theirs = [...section(devs[i]!).matchAll(/part_num: (\d+)\s+part_start: (\d+)/g)].map((p) => ({
        num: Number(p[1]),
        start: Number(p[2]) / 512,
      }))
      const head = readSectors(m.qcow2, 0, 34)
      const table = parseTable(head)
      expect(table?.kind === 'msdos' || table?.kind === 'gpt', m.name).toBe(true)
      const ours = table && table.kind !== 'gpt-entries' ? table.partitions : []
      expect(
        ours.map((p) => ({ num: p.num, start: p.start })),
        m.name,
      ).toEqual(theirs)
      for (const p of ours) {
        const content = classify(readSectors(m.qcow2, p.start, 8))
        const said = fsOf.get(`${devs[i]}${p.num}`)
        // libguestfs calls a BIOS boot partition (no file system) "unknown", like the reader.
        expect(content, `${m.name} partition ${p.num}`).toBe(said)
        compared++
      }
    }
    expect(compared).toBe(8)
  }, 300_000)

  it('builds the layout kept beside a base without booting an appliance', async () => {
    const m = made[0]!
    const noAppliance: Run = (cmd, args, opts) =>
      cmd === 'guestfish' || cmd === 'virt-customize'
        ? Promise.reject(new Error(`${cmd} must not run for a plain base`))
        : run(cmd, args, opts)
    const layout = await baseLayout(noAppliance, m.qcow2, { virtType: 'qemu' })
    expect(layout).toMatchObject(m.expected!)
    expect(JSON.parse(readFileSync(`${m.qcow2}.layout.json`, 'utf8'))).toEqual(layout)
    rmSync(`${m.qcow2}.layout.json`)
  })

  it('leaves the undecidable image to libguestfs (the appliance is asked, and its word is kept)', async () => {
    const m = made.find((x) => x.name === 'gpt-boot-and-root')!
    const asked: string[] = []
    // The appliance itself is proven above; here only that it is the one asked, so it is not booted again.
    const watch: Run = (cmd, args, opts) => {
      asked.push(cmd)
      return cmd === 'guestfish' ? Promise.reject(new Error('appliance asked')) : run(cmd, args, opts)
    }
    await expect(baseLayout(watch, m.qcow2, { virtType: 'qemu' })).rejects.toThrow('appliance asked')
    expect(asked).toEqual(['qemu-img', 'qemu-io', 'qemu-io', 'qemu-io', 'guestfish'])
    expect(existsSync(`${m.qcow2}.layout.json`)).toBe(false)
  })
})

function readSectors(qcow2: string, start: number, count: number): Buffer {
  // The bytes taken independently of the reader: a raw copy of the whole image, read at the offset.
  const raw = join(dir, 'whole.raw')
  tool('qemu-img', ['convert', '-q', '-f', 'qcow2', '-O', 'raw', qcow2, raw])
  const fd = openSync(raw, 'r')
  const b = Buffer.alloc(count * 512)
  readSync(fd, b, 0, b.length, start * 512)
  closeSync(fd)
  rmSync(raw)
  return b
}

describe('the GPT entry reader', () => {
  it('numbers entries by their slot and skips empty ones (a hole in the table keeps later numbers)', () => {
    const size = 128
    const entries = Buffer.alloc(4 * size)
    // Slot 2 (partition 3) used, slots 1, 2 and 4 empty.
    Buffer.from('af3dc60f838472478e793d69d8477de4', 'hex').copy(entries, 2 * size)
    entries.writeBigUInt64LE(4096n, 2 * size + 32)
    expect(parseGptEntries(entries, 4, size)).toEqual([
      { num: 3, start: 4096, typeGuid: '0fc63daf-8483-4772-8e79-3d69d8477de4' },
    ])
  })
})

describe('odd bytes in a base image', () => {
  const mbr = (type: number, start = 2048) => {
    const b = Buffer.alloc(34 * 512)
    b[510] = 0x55
    b[511] = 0xaa
    b[446 + 4] = type
    b.writeUInt32LE(start, 446 + 8)
    b.writeUInt32LE(1000, 446 + 12)
    return b
  }
  it('answers only what it knows: no signature, extended partitions and a mangled GPT header are left to libguestfs', () => {
    expect(parseTable(Buffer.alloc(34 * 512))).toBeNull()
    expect(parseTable(mbr(0x83))).toEqual({ kind: 'msdos', partitions: [{ num: 1, start: 2048 }] })
    expect(parseTable(mbr(0x05))).toBeNull()
    const gpt = mbr(0xee, 1)
    gpt.write('EFI PART', 512, 'latin1')
    gpt.writeBigUInt64LE(2n, 512 + 72)
    for (const [count, size] of [
      [1_000_000, 128],
      [128, 7],
      [0, 128],
    ])
      expect(
        parseTable((gpt.writeUInt32LE(count!, 512 + 80), gpt.writeUInt32LE(size!, 512 + 84), gpt)),
        `${count}x${size}`,
      ).toBeNull()
  })
  it('refuses a hexdump that is not the length asked for', () => {
    expect(() => parseHexdump('00000000:  00 01  ..\nread 2/2 bytes at offset 0', 4)).toThrow('not 4')
    expect([...parseHexdump('00000000:  00 01  ..\nread 2/2 bytes at offset 0', 2)]).toEqual([0, 1])
  })
})
