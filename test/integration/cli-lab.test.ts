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
