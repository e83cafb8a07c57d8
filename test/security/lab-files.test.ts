// Lab files as a stranger or a careless user writes them, through the real CLI (the built `stacklab`) and the
// real API (Engine.call): each held-out bad file in test/fixtures/labs/bad (one kind each; its comment says
// what is wrong, the exit status and what must be said) is refused with the field named, and create makes
// nothing from it. Node files for add-node likewise. Files that are too big, not UTF-8, not files at all, or
// nested to hurt the parser are refused before parsing. The good default lab stays valid; a node without a
// NAT NIC is valid with a warning. (The checks against the host's networks, which need a libvirtd, are in
// test/integration/lab-host-networks.test.ts.)
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { DEFAULT_PRESET, LabDefinition, defaultLab, type LabDefinitionInput } from '../../src-shared/lab'
import { DEBIAN_STAGES } from '../../src-shared/install'
import { ApiError } from '../../src-shared/errors'
import type { Engine } from '../../src-main/engine/engine'
import { LabStore } from '../../src-main/engine/lab/store'
import { newLabState } from '../../src-main/engine/lab/journal'
import { rejection, runStacklab, tempDir, tempPaths, testEngine, xdgEnv } from '../helpers'

const FIXTURES = join(__dirname, '../fixtures/labs')

interface Fixture {
  name: string
  path: string
  exit: number
  /** `path: start of message` lines the refusal must contain. */
  expects: string[]
}

function fixtures(folder: string): Fixture[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const path = join(FIXTURES, folder, f)
      const text = readFileSync(path, 'utf8')
      return {
        name: f,
        path,
        exit: Number(/^# exit: (\d)$/m.exec(text)?.[1] ?? 1),
        expects: [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]!),
      }
    })
}

const bad = fixtures('bad')
const schemaLevel = bad.filter((f) => f.exit === 1)
const badNodes = fixtures('bad-node')

/** `nodes.1.name: must not ...` as the API's issue: path, and the start of the message. */
function asIssue(expect: string, prefix = ''): { path: string; message: string } {
  const at = expect.indexOf(': ')
  return at < 0
    ? { path: prefix + expect.replace(/:$/, ''), message: '' }
    : { path: prefix + expect.slice(0, at), message: expect.slice(at + 2) }
}

let t: ReturnType<typeof tempDir>
beforeAll(() => (t = tempDir('stacklab-sec-labfiles-')))
afterAll(() => t.cleanup())

const stacklab = (...args: string[]) => runStacklab(t.dir, ...args)
const labsDir = () => join(xdgEnv(t.dir).XDG_DATA_HOME, 'stacklab', 'labs')

describe('held-out bad lab files', () => {
  it('cover every kind the issue names', () => {
    const names = bad.map((f) => f.name).join(' ')
    for (const kind of [
      'unknown-key-dchp',
      'unknown-key-root-password',
      'hostname-underscore',
      'hostname-uppercase',
      'hostname-dot',
      'hostname-leading-hyphen',
      'two-controllers',
      'storage-role',
      'dhcp-reversed',
      'dhcp-outside-subnet',
      'gateway-outside-subnet',
      'internal-network-nat',
      'two-nat-same-subnet',
      'yaml-merge-key',
      'yaml-alias',
      'yaml-binary-tag',
      'yaml-two-documents',
    ])
      expect(names).toContain(kind)
    for (const f of bad) expect(f.expects.length, f.name).toBeGreaterThan(0)
  })

  it.each(bad)('stacklab lab validate refuses $name', async (f) => {
    const r = await stacklab('lab', 'validate', f.path)
    expect(r.code).toBe(f.exit)
    expect(r.stdout).not.toMatch(/valid/)
    for (const e of f.expects) {
      if (f.exit === 1) expect(r.stderr).toContain(`${f.path}: ${e}`)
      else expect(r.stderr).toContain(e)
    }
  })

  // One of each kind through `lab create` too (every one goes through the API's lab.create below).
  const createKinds = [
    'unknown-key-root-password.yaml',
    'hostname-underscore.yaml',
    'two-controllers.yaml',
    'dhcp-reversed.yaml',
    'internal-network-nat.yaml',
    'yaml-merge-key.yaml',
  ]
  it.each(bad.filter((f) => createKinds.includes(f.name)))(
    'stacklab lab create refuses $name and makes nothing',
    async (f) => {
      const r = await stacklab('lab', 'create', f.path)
      expect(r.code).toBe(2)
      if (f.exit === 1) for (const e of f.expects) expect(r.stderr).toContain(`definition.${e}`)
      else for (const e of f.expects) expect(r.stderr).toContain(e)
      expect(r.stdout).toBe('')
      expect(existsSync(labsDir())).toBe(false)
    },
  )

  it('the default lab (as `stacklab lab default` prints it) is valid', async () => {
    const printed = await stacklab('lab', 'default')
    expect(printed.stdout).toBe(readFileSync(join(FIXTURES, 'good/default.yaml'), 'utf8'))
    const r = await stacklab('lab', 'validate', join(FIXTURES, 'good/default.yaml'))
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/default\.yaml: valid/)
    expect(r.stderr).not.toMatch(/: (name|nodes|networks)\.\d/)
  })

  it.each(fixtures('warn'))('$name is valid, with its warning printed', async (f) => {
    const r = await stacklab('lab', 'validate', f.path)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/: valid \(\d warnings?\)/)
    for (const e of f.expects) expect(r.stderr).toContain(`${f.path}: warning: ${e}`)
  })
})

describe('lab files refused before they are parsed', () => {
  it('a file over 1 MiB is refused from its size (a sparse 8 GiB file is not read)', async () => {
    const big = join(t.dir, 'big.yaml')
    writeFileSync(big, '')
    execFileSync('truncate', ['-s', '8G', big])
    const r = await stacklab('lab', 'validate', big)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('is 8589934592 bytes; a lab file may be at most 1 MiB')
    const justOver = join(t.dir, 'over.yaml')
    writeFileSync(justOver, `${stringify(defaultLab())}# ${'x'.repeat(1024 * 1024)}\n`)
    const o = await stacklab('lab', 'create', justOver)
    expect(o.code).toBe(2)
    expect(o.stderr).toContain('a lab file may be at most 1 MiB')
    rmSync(big)
  })

  it('a FIFO, a device, a directory and a non-UTF-8 file are refused, not waited on or misread', async () => {
    const fifo = join(t.dir, 'fifo.yaml')
    execFileSync('mkfifo', [fifo])
    for (const path of [fifo, '/dev/zero', t.dir]) {
      const r = await stacklab('lab', 'validate', path)
      expect(r.code, path).toBe(2)
      expect(r.stderr).toContain(`cannot read ${path}: not a file`)
    }
    const latin1 = join(t.dir, 'latin1.yaml')
    writeFileSync(latin1, Buffer.from('name: caf\xe9\n', 'latin1'))
    const r = await stacklab('lab', 'validate', latin1)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('is not UTF-8 text')
  })

  it('nesting no lab file has is refused by a scan, before the parser spends its stack on it', async () => {
    const deep = join(t.dir, 'deep.yaml')
    writeFileSync(deep, `name: ${'['.repeat(300_000)}${']'.repeat(300_000)}\n`)
    const r = await stacklab('lab', 'validate', deep)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('has more than 1024 [ and { in it')
  })

  it('control characters in a file never reach the terminal as they are', async () => {
    const lab = defaultLab() as LabDefinitionInput & Record<string, unknown>
    lab['\x1b]0;owned\x07x'] = 1
    const path = join(t.dir, 'escape.yaml')
    writeFileSync(path, stringify(lab))
    const r = await stacklab('lab', 'validate', path)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('unknown key')
    expect(r.stderr).not.toContain('\x1b')
    expect(r.stderr).not.toContain('\x07')
  })
})

describe('add-node refuses bad node files', () => {
  const seed = (dataDir: string, name: string) =>
    new LabStore(dataDir).save({
      ...newLabState(LabDefinition.parse(defaultLab(name)), 'qemu'),
      status: 'ready',
    })

  it.each(badNodes)('stacklab lab add-node refuses $name, and the lab is as it was', async (f) => {
    const dataDir = join(xdgEnv(t.dir).XDG_DATA_HOME, 'stacklab')
    await seed(dataDir, 'seclab')
    const state = join(dataDir, 'labs', 'seclab', 'state.json')
    const before = readFileSync(state, 'utf8')
    const r = await stacklab('lab', 'add-node', 'seclab', f.path)
    expect(r.code).toBe(2)
    for (const e of f.expects) expect(r.stderr).toContain(e)
    expect(readFileSync(state, 'utf8')).toBe(before)
    rmSync(join(dataDir, 'labs'), { recursive: true, force: true })
  })
})

describe('the API (Engine.call) refuses the same definitions', () => {
  let engine: Engine
  let dir: ReturnType<typeof tempDir>
  beforeAll(() => {
    dir = tempDir('stacklab-sec-api-')
    engine = testEngine(dir.dir)
  })
  afterAll(async () => {
    await engine.close()
    dir.cleanup()
  })

  it.each(schemaLevel)('lab.validate and lab.create refuse $name', async (f) => {
    const definition: unknown = parse(readFileSync(f.path, 'utf8'))
    const verdict = await engine.api.call('lab.validate', { definition })
    expect(verdict.ok).toBe(false)
    for (const e of f.expects) {
      const want = asIssue(e)
      expect(verdict.issues.some((i) => i.path === want.path && i.message.startsWith(want.message))).toBe(
        true,
      )
    }
    // The raw gate: the file's content is what is checked, whatever its type.
    const refused = await rejection(engine.call('lab.create', { definition }), ApiError)
    expect(refused.code).toBe('bad-request')
    for (const e of f.expects) {
      const want = asIssue(e, 'definition.')
      expect(refused.issues?.some((i) => i.path === want.path && i.message.startsWith(want.message))).toBe(
        true,
      )
    }
    expect(existsSync(join(tempPaths(dir.dir).data, 'labs'))).toBe(false)
  })

  it.each(badNodes)('lab.addNode refuses $name', async (f) => {
    const paths = tempPaths(dir.dir)
    await new LabStore(paths.data).save({
      ...newLabState(LabDefinition.parse(defaultLab('apilab')), 'qemu'),
      status: 'ready',
    })
    const node: unknown = parse(readFileSync(f.path, 'utf8'))
    const refused = await rejection(engine.call('lab.addNode', { name: 'apilab', node }), ApiError)
    expect(refused.code).toBe('bad-request')
    for (const e of f.expects) {
      const want = asIssue(e)
      expect(refused.issues?.some((i) => i.path === want.path && i.message.startsWith(want.message))).toBe(
        true,
      )
    }
    expect((await new LabStore(paths.data).get('apilab'))?.definition.nodes.length).toBe(2)
    rmSync(join(paths.data, 'labs'), { recursive: true, force: true })
  })

  it('lab.addNode refuses a node that is not compute on an installed lab, before anything changes', async () => {
    const paths = tempPaths(dir.dir)
    const at = new Date().toISOString()
    const run = {
      id: 'r1',
      log: '/l',
      rcFile: '/r',
      pid: null,
      startedAt: at,
      finishedAt: at,
      outcome: 'success' as const,
      error: null,
    }
    // Installed by packstack (a successful run), and from the distribution's packages (every stage done).
    const installs = [
      { preset: DEFAULT_PRESET, install: { answersSaved: true, runs: [run] } },
      {
        preset: 'debian-12-openstack',
        install: {
          answersSaved: false,
          runs: [],
          stages: { done: DEBIAN_STAGES.map((s) => s.id), current: null, failed: null, seconds: {} },
        },
      },
    ]
    for (const { preset, install } of installs) {
      await new LabStore(paths.data).save({
        ...newLabState(LabDefinition.parse(defaultLab('apilab', preset)), 'qemu'),
        status: 'ready',
        install,
      })
      const node = {
        name: 'net2',
        role: 'network',
        vcpus: 1,
        memoryMiB: 1024,
        diskGiB: 10,
        nics: [{ network: 'default', ip: '192.168.122.120' }],
      }
      // Not a yes/no for join: refused as input, before the lab is read.
      const odd = await rejection(engine.call('lab.addNode', { name: 'apilab', node, join: 'yes' }), ApiError)
      expect(odd.code).toBe('bad-request')
      expect(odd.message).toMatch(/^Invalid input for lab\.addNode: join: /)
      const refused = await rejection(engine.call('lab.addNode', { name: 'apilab', node }), ApiError)
      expect(refused.code).toBe('bad-request')
      expect(refused.message).toContain('OpenStack is installed on lab apilab')
      expect(refused.issues).toEqual([
        { path: 'node.role', message: 'only compute nodes can join an installed lab' },
      ])
      if (preset !== DEFAULT_PRESET) {
        // The same lab part way through its install: any node is refused until the install is finished.
        const part = (await new LabStore(paths.data).get('apilab'))!
        part.install!.stages!.done = ['prepare', 'infra']
        await new LabStore(paths.data).save(part)
        const compute = { ...node, name: 'compute2', role: 'compute' }
        const early = await rejection(engine.call('lab.addNode', { name: 'apilab', node: compute }), ApiError)
        expect(early.code).toBe('invalid-state')
        expect(early.message).toContain('lab apilab is part way through its install (2 stages done)')
      }
      const after = await new LabStore(paths.data).get('apilab')
      expect(after?.definition.nodes.map((n) => n.name)).toEqual(['controller', 'compute'])
      expect(after?.status).toBe('ready')
      rmSync(join(paths.data, 'labs'), { recursive: true, force: true })
    }
  })

  it('answers with warnings in a compatible shape: the default lab is ok', async () => {
    const verdict = await engine.api.call('lab.validate', { definition: defaultLab() })
    expect(verdict.ok).toBe(true)
    expect(verdict.issues).toEqual([])
    // No libvirt on this engine's connection: said, not hidden.
    expect(verdict.warnings).toEqual([
      {
        path: 'networks',
        message: expect.stringMatching(/not checked against this host's networks/) as string,
      },
    ])
  })
})
