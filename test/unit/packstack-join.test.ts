// The answer file for adding a compute host to an installed cloud, on real answer files
// (test/fixtures/packstack/SOURCES.md): the new host added, the configured servers excluded, the rest of the
// file byte for byte, idempotent for a retry, and refusals that change nothing.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src-shared/errors'
import { readRaw, parseAnswerFile } from '../../src-main/engine/packstack/answers'
import { joinComputeAnswers } from '../../src-main/engine/packstack/join'
import { addNodeNote } from '../../src-main/cli/output'
import { debianJoinSteps, joinSteps } from '../../src-shared/install'
import { LabDefinition, defaultLab } from '../../src-shared/lab'

const dir = join(__dirname, '../fixtures/packstack')
// A real Icehouse answer file (EXCLUDE_SERVERS= present, empty), all-in-one on 172.16.0.1.
const icehouse = readFileSync(join(dir, 'answers-icehouse-allinone.txt'), 'utf8')
// The packstack double's generated file from before it knew EXCLUDE_SERVERS (the key absent).
const generated = readFileSync(join(dir, 'answers-double-generated.txt'), 'utf8')

const raw = (text: string) => readRaw(parseAnswerFile(text))
const otherLines = (text: string) =>
  text.split(/(?<=\n)/).filter((l) => !/^(CONFIG_COMPUTE_HOSTS|EXCLUDE_SERVERS)=/.test(l))

/** The error a call throws, or a failure when it throws none. */
function refusal(f: () => unknown): ApiError {
  try {
    f()
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError)
    return error as ApiError
  }
  throw new Error('expected a refusal')
}

describe('joinComputeAnswers', () => {
  it('adds the new host to CONFIG_COMPUTE_HOSTS and excludes every configured server', () => {
    const out = joinComputeAnswers(icehouse, '172.16.0.2', ['172.16.0.1', '172.16.0.2'])
    expect(raw(out).get('CONFIG_COMPUTE_HOSTS')).toBe('172.16.0.1,172.16.0.2')
    expect(raw(out).get('EXCLUDE_SERVERS')).toBe('172.16.0.1')
    // Only those two lines differ, in place.
    expect(otherLines(out)).toEqual(otherLines(icehouse))
    expect(out.split('\n').length).toBe(icehouse.split('\n').length)
    expect(out).toContain('\nEXCLUDE_SERVERS=172.16.0.1\n')
  })

  it('excludes every other node of a multi-node lab, keeping what the file excluded before', () => {
    const two = icehouse
      .replace(/^CONFIG_COMPUTE_HOSTS=.*$/m, 'CONFIG_COMPUTE_HOSTS=172.16.0.5')
      .replace(/^EXCLUDE_SERVERS=.*$/m, 'EXCLUDE_SERVERS=172.16.0.9')
    const out = joinComputeAnswers(two, '172.16.0.6', ['172.16.0.1', '172.16.0.5', '172.16.0.6'])
    expect(raw(out).get('CONFIG_COMPUTE_HOSTS')).toBe('172.16.0.5,172.16.0.6')
    expect(raw(out).get('EXCLUDE_SERVERS')).toBe('172.16.0.9,172.16.0.1,172.16.0.5')
  })

  it('adds EXCLUDE_SERVERS to a file that lacks it, at the end of [general], the rest unchanged', () => {
    expect(raw(generated).has('EXCLUDE_SERVERS')).toBe(false)
    const out = joinComputeAnswers(generated, '192.168.122.111', ['192.168.122.100', '192.168.122.111'])
    expect(raw(out).get('EXCLUDE_SERVERS')).toBe('192.168.122.100')
    expect(raw(out).get('CONFIG_COMPUTE_HOSTS')).toBe('192.168.122.100,192.168.122.111')
    expect(otherLines(out)).toEqual(otherLines(generated))
  })

  it('is idempotent: a file prepared for this join comes back byte for byte (a retry)', () => {
    const lab = ['172.16.0.1', '172.16.0.2']
    const once = joinComputeAnswers(icehouse, '172.16.0.2', lab)
    expect(joinComputeAnswers(once, '172.16.0.2', lab)).toBe(once)
  })

  it('keeps CRLF line endings and a missing final newline', () => {
    const crlf = icehouse.replace(/\n/g, '\r\n').replace(/\r\n$/, '')
    const out = joinComputeAnswers(crlf, '172.16.0.2', ['172.16.0.1', '172.16.0.2'])
    expect(out).toContain('\r\nEXCLUDE_SERVERS=172.16.0.1\r\n')
    expect(out).toContain('\r\nCONFIG_COMPUTE_HOSTS=172.16.0.1,172.16.0.2\r\n')
    expect(out.endsWith('\n')).toBe(false)
    expect(out.replace(/\r\n/g, '')).not.toContain('\n')
  })

  it('refuses an address already a compute host of the installed cloud', () => {
    const e = refusal(() => joinComputeAnswers(icehouse, '172.16.0.1', ['172.16.0.1', '172.16.0.2']))
    expect(e.message).toBe('172.16.0.1 is already a compute host in CONFIG_COMPUTE_HOSTS')
    expect(refusal(() => joinComputeAnswers(icehouse, '172.16.0.1', ['172.16.0.1'])).message).toBe(
      '172.16.0.1 is already a compute host in CONFIG_COMPUTE_HOSTS',
    )
    const two = icehouse.replace(/^CONFIG_COMPUTE_HOSTS=.*$/m, 'CONFIG_COMPUTE_HOSTS=172.16.0.1,172.16.0.2')
    const e2 = refusal(() => joinComputeAnswers(two, '172.16.0.2', ['172.16.0.1', '172.16.0.2']))
    expect(e2.message).toContain('172.16.0.2 is already a compute host in CONFIG_COMPUTE_HOSTS')
  })

  it('refuses an address that is not a node of the lab, or not an address at all', () => {
    expect(refusal(() => joinComputeAnswers(icehouse, '172.16.0.7', ['172.16.0.1'])).message).toBe(
      '172.16.0.7 is not the address of a node of the lab',
    )
    for (const junk of ['compute2', '172.16.0.256', '172.16.0.2,172.16.0.3', '', '172.16.0.2\nX=1'])
      expect(refusal(() => joinComputeAnswers(icehouse, junk, ['172.16.0.1', junk])).message).toContain(
        'is not an IPv4 address',
      )
  })

  it('refuses a new host the file excludes, and a compute host that is no node of the lab', () => {
    const excl = icehouse.replace(/^EXCLUDE_SERVERS=.*$/m, 'EXCLUDE_SERVERS=172.16.0.2')
    expect(
      refusal(() => joinComputeAnswers(excl, '172.16.0.2', ['172.16.0.1', '172.16.0.2'])).message,
    ).toContain('is in EXCLUDE_SERVERS')
    const foreign = icehouse.replace(/^CONFIG_COMPUTE_HOSTS=.*$/m, 'CONFIG_COMPUTE_HOSTS=10.9.9.9')
    expect(
      refusal(() => joinComputeAnswers(foreign, '172.16.0.2', ['172.16.0.1', '172.16.0.2'])).message,
    ).toContain('lists 10.9.9.9, which is not an installed node of the lab')
  })

  it('refuses a file without CONFIG_COMPUTE_HOSTS', () => {
    const none = icehouse.replace(/^CONFIG_COMPUTE_HOSTS=.*\n/m, '')
    expect(refusal(() => joinComputeAnswers(none, '172.16.0.2', ['172.16.0.1', '172.16.0.2'])).message).toBe(
      'the answer file has no CONFIG_COMPUTE_HOSTS',
    )
  })
})

describe('stacklab lab add-node says whether the node joins', () => {
  const steps = (ids: string[]) => ({
    steps: ids.map((id) => ({
      id,
      title: id,
      state: 'pending' as const,
      detail: '',
      startedAt: null,
      finishedAt: null,
    })),
  })
  it('names the join and its retry when the job joins the node', () => {
    const note = addNodeNote(
      'l1',
      'compute2',
      steps(['ssh', 'checkpoint', ...joinSteps('compute2').map((s) => s.id)]),
    )
    expect(note).toContain('OpenStack is installed on l1: compute2 joins it as a compute node')
    expect(note).toContain('"pre-join-compute2"')
    expect(note).toContain('stacklab install l1 --retry')
    expect(note).toContain('packstack with the installed servers in EXCLUDE_SERVERS')
  })
  it('names the packages join: each stage part for the node, not packstack', () => {
    const def = LabDefinition.parse(defaultLab('l1', 'debian-12-openstack'))
    const note = addNodeNote(
      'l1',
      'compute2',
      steps(['ssh', 'checkpoint', ...debianJoinSteps(def, 'compute2').map((s) => s.id)]),
    )
    expect(note).toContain('OpenStack is installed on l1: compute2 joins it as a compute node')
    expect(note).toContain("each install stage's part for the node, discover_hosts")
    expect(note).not.toContain('packstack')
  })
  it('says the VM is added to be joined by hand with --no-join', () => {
    expect(addNodeNote('l1', 'compute2', steps(['ssh', 'checkpoint']), true)).toMatch(
      /^Only the VM of compute2 is added \(--no-join\): .*join it by hand/,
    )
  })
  it('says only the VM is added on a lab without an install', () => {
    expect(addNodeNote('l1', 'compute2', steps(['ssh', 'checkpoint']))).toBe(
      'OpenStack is not installed on l1: only the VM of compute2 is added; the next install includes it.\n',
    )
  })
})
