// `stacklab lab ...` for definitions: validate (exit 0 only when valid, every problem named by its field),
// the default lab as YAML, and bad definitions refused before anything is created.
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { defaultLab } from '../../src-shared/lab'
import { runStacklab, tempDir, xdgEnv } from '../helpers'

let t: ReturnType<typeof tempDir>
beforeAll(() => (t = tempDir()))
afterAll(() => t.cleanup())

const stacklab = (...args: string[]) => runStacklab(t.dir, ...args)

function file(name: string, content: unknown): string {
  const path = join(t.dir, name)
  writeFileSync(path, typeof content === 'string' ? content : stringify(content))
  return path
}

describe('stacklab lab', () => {
  it("prints the seeds' default lab, which validates", async () => {
    const r = await stacklab('lab', 'default', 'mylab')
    expect(r.code).toBe(0)
    expect(parse(r.stdout)).toEqual(defaultLab('mylab'))
    const v = await stacklab('lab', 'validate', file('ok.yaml', r.stdout))
    expect(v).toMatchObject({ code: 0, stdout: expect.stringContaining('valid') as string })
  })

  it('says in comments what the default OS and release mean: Stream 9 + Epoxy, end of RDO packaging', async () => {
    const r = await stacklab('lab', 'default')
    expect(r.code).toBe(0)
    const header = r.stdout.slice(0, r.stdout.indexOf('\nname:'))
    expect(header.split('\n').every((l) => l.startsWith('#'))).toBe(true)
    expect(header).toContain('CentOS Stream 9 ends on 2027-05-31')
    expect(header).toContain('Epoxy (2025.1) is the last release RDO packages')
    expect(header).toContain('Epoxy became unmaintained upstream on 2026-10-02')
    expect(parse(r.stdout)).toMatchObject({ preset: 'centos-stream-9', release: 'epoxy' })
  })

  it('prints an archived preset on request, marked so, and it validates', async () => {
    const r = await stacklab('lab', 'default', 'old', '--preset', 'centos-7.9', '--release', 'queens')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('# Guest OS: CentOS 7.9 (archived, end of life 2024-06-30)')
    expect(r.stdout).toContain('CentOS 7 reached end of life on 2024-06-30')
    expect(parse(r.stdout)).toEqual(defaultLab('old', 'centos-7.9', 'queens'))
    const v = await stacklab('lab', 'validate', file('old.yaml', r.stdout))
    expect(v.code).toBe(0)
  })

  it('refuses an unknown preset or a release the preset lacks, naming the option, printing no YAML', async () => {
    const bad = await stacklab('lab', 'default', '--preset', 'rocky-9')
    expect(bad.code).toBe(2)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toContain(
      '--preset: unknown preset rocky-9; known: centos-stream-9, almalinux-9, centos-7.9',
    )
    const rel = await stacklab('lab', 'default', '--release', 'train')
    expect(rel.code).toBe(2)
    expect(rel.stdout).toBe('')
    expect(rel.stderr).toContain(
      '--release: train is not offered on centos-stream-9; choose one of epoxy, dalmatian, caracal',
    )
    const ctl = await stacklab('lab', 'default', '--preset', 'x\u001b[31m')
    expect(ctl.stderr).not.toContain('\u001b')
  })

  it('lists the presets with their releases and facts, archived ones last and marked', async () => {
    const r = await stacklab('lab', 'presets')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^centos-stream-9 {2}CentOS Stream 9 \(current\)/)
    expect(r.stdout).toContain('releases: epoxy (2025.1, ML2/OVN), dalmatian (2024.2, ML2/OVN), caracal')
    expect(r.stdout).toMatch(/^centos-7\.9 {2}\[archived\]/m)
    expect(r.stdout).toContain('train (2019.2, Open vSwitch)')
    // AlmaLinux 9 only from its cloud image (virt-builder has no template); no Rocky Linux or EL10 at all.
    expect(r.stdout).toMatch(
      /^almalinux-9 {2}AlmaLinux 9 \(current, from its cloud image\) {2}\(cloud image only\)$/m,
    )
    expect(r.stdout).not.toMatch(/rocky-\d|rocky linux|el10/i)
  })

  it('prints an AlmaLinux 9 lab on its published cloud image, and it validates', async () => {
    const r = await stacklab('lab', 'default', 'alma', '--preset', 'almalinux-9')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      '# Base image: a cloud image (image: below; virt-builder has no template for this OS)',
    )
    expect(parse(r.stdout)).toMatchObject({
      preset: 'almalinux-9',
      release: 'epoxy',
      image: {
        url: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2',
        checksumUrl: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM',
      },
    })
    const v = await stacklab('lab', 'validate', file('alma.yaml', r.stdout))
    expect(v.code).toBe(0)
  })

  it('lists every problem of a bad definition, naming its field, and exits 1', async () => {
    const lab = defaultLab('bad/name')
    lab.networks.push({ name: 'dup', mode: 'isolated', subnet: '192.168.90.0/25' })
    lab.nodes[0]!.memoryMiB = 1024
    lab.nodes[1]!.nics[1]!.ip = '192.168.91.110'
    lab.preset = 'no-such-template'
    const r = await stacklab('lab', 'validate', file('bad.yaml', lab))
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines.some((l) => /: name: must be 1-63 characters/.test(l))).toBe(true)
    expect(lines.some((l) => /: preset: unknown template preset no-such-template/.test(l))).toBe(true)
    expect(lines.some((l) => /: networks\.2\.subnet: .*overlaps/.test(l))).toBe(true)
    expect(lines.some((l) => /: nodes\.0\.memoryMiB: 1024 MiB is too little for a controller/.test(l))).toBe(
      true,
    )
    expect(
      lines.some((l) => /: nodes\.1\.nics\.1\.ip: 192.168.91.110 is outside 192.168.90.0\/24/.test(l)),
    ).toBe(true)
  })

  it('says clearly when the file is not YAML or not there', async () => {
    const notYaml = await stacklab('lab', 'validate', file('x.yaml', 'name: [unclosed'))
    expect(notYaml.code).toBe(2)
    expect(notYaml.stderr).toMatch(/is not valid YAML/)
    const missing = await stacklab('lab', 'validate', join(t.dir, 'nope.yaml'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no such file/)
  })

  it('refuses to create from a bad definition before anything exists', async () => {
    const lab = defaultLab('x; reboot')
    const r = await stacklab('lab', 'create', file('bad-create.yaml', lab))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/definition\.name/)
    expect(existsSync(join(xdgEnv(t.dir).XDG_DATA_HOME, 'stacklab', 'labs'))).toBe(false)
    const list = await stacklab('lab', 'list', '--json')
    expect(JSON.parse(list.stdout)).toEqual([])
  })
})
