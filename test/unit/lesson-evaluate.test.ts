// A lesson check's verdict from its command's result, on outputs of the real openstack client: each sample
// says where it comes from. Recorded ones are files under test/fixtures/openstack (SOURCES.md); the JSON
// shapes that have no recording yet are built from python-openstackclient's own code and functional tests
// at commit 5b7da4b49 (tag 10.2.1-32), cited next to each. The integrator adds outputs recorded on the
// lab's real cloud.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Condition, type Text } from '../../src-shared/lesson'
import { evaluateCheck, lastMeaningfulLine, onItsWay, valueAt } from '../../src-main/engine/lessons/evaluate'
import { langOf } from '../../src-main/cli/lessons'

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/openstack', name), 'utf8')
const missing = (en: string): Text => ({ en, ko: `${en} (ko)` })
const cond = (c: Record<string, unknown>) => Condition.parse({ missing: missing('missing'), ...c })
const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' })

// Recorded on Stacklab's own lab: `openstack compute service list -f json`, Debian 12 Zed (SOURCES.md).
const computeServices = fixture('compute-service-list-zed.json')

// `openstack security group rule list default -f json`: a list of objects keyed by the column headers of
// ListSecurityGroupRule._get_column_headers (openstackclient/network/v2/security_group_rule.py @5b7da4b49;
// 'Security Group' only without a group argument); Port Range as network/utils.py
// format_network_port_range makes it ('22:22' for one TCP port, '' for ICMP without a type); IP Range as
// format_remote_ip_prefix ('0.0.0.0/0' for an IPv4 rule without a prefix). The rules are those a default
// group has plus the seeds' ICMP and SSH rules.
const sgRules = JSON.stringify([
  {
    ID: '0b1e5c53-3c0c-4a26-9e0d-5bd2f3bd9b11',
    'IP Protocol': null,
    Ethertype: 'IPv4',
    'IP Range': '0.0.0.0/0',
    'Port Range': '',
    Direction: 'egress',
    'Remote Security Group': null,
    'Remote Address Group': null,
  },
  {
    ID: '6f0d1f3e-6b55-4a9a-8d7e-2b9a1b7f4c21',
    'IP Protocol': 'icmp',
    Ethertype: 'IPv4',
    'IP Range': '0.0.0.0/0',
    'Port Range': '',
    Direction: 'ingress',
    'Remote Security Group': null,
    'Remote Address Group': null,
  },
  {
    ID: 'a8c2f0b4-1d4e-4f55-9a43-0c4f2a9e7d30',
    'IP Protocol': 'tcp',
    Ethertype: 'IPv4',
    'IP Range': '0.0.0.0/0',
    'Port Range': '22:22',
    Direction: 'ingress',
    'Remote Security Group': null,
    'Remote Address Group': null,
  },
])

// `openstack network show NET -f json`: keys as _get_columns_network maps them (is_router_external →
// 'router:external', openstackclient/network/v2/network.py @5b7da4b49); in JSON the formatters give the
// machine-readable value, a boolean: tests/functional/network/v2/test_network.py asserts
// `cmd_output["router:external"] == False` and `cmd_output["admin_state_up"] == True`.
const networkShow = (external: boolean) =>
  JSON.stringify({
    admin_state_up: true,
    id: '5d2b6a52-0f0c-4d5f-9a0e-6c4e3b1d7f10',
    name: external ? 'provider' : 'selfservice',
    'provider:network_type': external ? 'flat' : 'geneve',
    'router:external': external,
    shared: false,
    status: 'ACTIVE',
    subnets: ['3c1f8e02-6a1e-4d3b-8b7e-1f2a3b4c5d6e'],
  })

// `openstack server show NAME -f json`: 'status' and 'addresses' as tests/functional/compute/v2/test_server.py
// (@5b7da4b49) reads them: addresses is a mapping of network name to a list of IPs
// ({'private': ['10.1.0.32', '172.24.5.41']} in its _chain_addresses comment).
const serverShow = (status: string, addresses: Record<string, string[]>) =>
  JSON.stringify({ id: 'c9a3b1e2-7d4f-4b6a-9e8d-1a2b3c4d5e6f', name: 'demo1', status, addresses })

// What the client prints for a thing that is not there (and exits 1): "Error while executing command: No
// Network found for x", as quoted in a public test expectation (stored index file id 4922816756).
const notFound = {
  code: 1,
  stdout: '',
  stderr: '\nError while executing command: No Network found for selfservice\n\n',
}

describe('evaluateCheck on the openstack client', () => {
  it('compute service list: some and none over the recorded JSON', () => {
    const up = evaluateCheck(ok(computeServices), [
      cond({ some: { Binary: 'nova-compute', State: 'up' } }),
      cond({ none: { State: 'down' } }),
      cond({ count: 3 }),
    ])
    expect(up.verdict).toBe('passed')
    expect(up.findings.map((f) => f.ok)).toEqual([true, true, true])
    expect(up.findings[0]!.seen).toContain('compute.example.com')
    expect(up.findings[0]!.says.en).toBe('an item has Binary=nova-compute, State=up')

    const compute1 = evaluateCheck(ok(computeServices), [
      cond({ some: { Binary: 'nova-compute', Host: 'compute1.example.com' } }),
      cond({ count: 4 }),
    ])
    expect(compute1.verdict).toBe('not-yet')
    expect(compute1.findings[0]).toMatchObject({ ok: false, says: missing('missing') })
    expect(compute1.findings[0]!.seen).toBe(
      '3 items, none with Binary=nova-compute, Host=compute1.example.com',
    )
    expect(compute1.findings[1]).toMatchObject({ ok: false, seen: '3 items' })
  })

  it('security group rules: the ICMP and SSH rules found, and a missing one said', () => {
    const both = evaluateCheck(ok(sgRules), [
      cond({ some: { 'IP Protocol': 'icmp', Direction: 'ingress' } }),
      cond({ some: { 'IP Protocol': 'TCP', 'Port Range': '22:22', Direction: 'ingress' } }),
    ])
    expect(both.verdict).toBe('passed')
    const rules = JSON.parse(sgRules) as unknown[]
    const noIcmp = JSON.stringify(rules.filter((_, i) => i !== 1))
    const r = evaluateCheck(ok(noIcmp), [
      cond({ some: { 'IP Protocol': 'icmp', Direction: 'ingress' }, missing: missing('no ICMP rule') }),
    ])
    expect(r.verdict).toBe('not-yet')
    expect(r.findings[0]!.says.en).toBe('no ICMP rule')
    // null compares as the text "null", not as anything the learner wrote.
    expect(evaluateCheck(ok(sgRules), [cond({ none: { 'IP Protocol': 'udp' } })]).verdict).toBe('passed')
  })

  it('network show: a field named router:external, a boolean compared as text', () => {
    const ext = [cond({ path: 'router:external', equals: true }), cond({ path: 'status', equals: 'active' })]
    expect(evaluateCheck(ok(networkShow(true)), ext).verdict).toBe('passed')
    const internal = evaluateCheck(ok(networkShow(false)), ext)
    expect(internal.verdict).toBe('not-yet')
    expect(internal.findings[0]).toMatchObject({ ok: false, seen: 'false' })
    expect(internal.findings[1]!.ok).toBe(true)
    expect(evaluateCheck(ok(networkShow(true)), [cond({ path: 'subnets', count: 1 })]).verdict).toBe(
      'not-yet',
    ) // count reads the whole output, which is an object
    expect(
      evaluateCheck(ok(networkShow(true)), [cond({ path: 'no_such', equals: 'x' })]).findings[0]!.seen,
    ).toBe('the output has no field no_such')
  })

  it('server show: status, and an address inside the addresses mapping', () => {
    const checks = [
      cond({ path: 'status', equals: 'ACTIVE' }),
      cond({ path: 'addresses', matches: '"172\\.24\\.5\\.\\d+"' }),
      cond({ path: 'addresses.private.1', equals: '172.24.5.41' }),
    ]
    const active = evaluateCheck(ok(serverShow('ACTIVE', { private: ['10.1.0.32', '172.24.5.41'] })), checks)
    expect(active.verdict).toBe('passed')
    const building = evaluateCheck(ok(serverShow('BUILD', { private: ['10.1.0.32'] })), checks)
    expect(building.findings.map((f) => f.ok)).toEqual([false, false, false])
    expect(building.findings[0]!.seen).toBe('BUILD')
    expect(building.findings[2]!.seen).toBe('the output has no field addresses.private.1')
  })

  it('a command that failed: not yet, its last error line seen, the first condition missing', () => {
    const r = evaluateCheck(notFound, [
      cond({ path: 'status', equals: 'ACTIVE', missing: missing('there is no network selfservice') }),
      cond({ path: 'x', equals: 1 }),
    ])
    expect(r).toEqual({
      verdict: 'not-yet',
      findings: [
        {
          ok: false,
          says: missing('there is no network selfservice'),
          seen: 'Error while executing command: No Network found for selfservice (exit status 1)',
        },
      ],
    })
    expect(lastMeaningfulLine({ code: 1, stdout: 'out line\n', stderr: '  \n' })).toBe('out line')
  })

  it('output that is not JSON: not yet, said plainly, never a throw; text conditions still read it', () => {
    const table = fixture('compute-service-list-down.txt') // the default table format, recorded
    const r = evaluateCheck(ok(table), [
      cond({ some: { Binary: 'nova-compute' } }),
      cond({ contains: 'nova-compute' }),
      cond({ matches: '^\\| \\S+ \\| nova-compute .*\\| down' }),
    ])
    expect(r.verdict).toBe('not-yet')
    expect(r.findings[0]!.ok).toBe(false)
    expect(r.findings[0]!.seen).toMatch(/^the output is not JSON: \+-----/)
    expect(r.findings[0]!.seen.length).toBeLessThan(320)
    expect(r.findings[1]!.ok).toBe(true)
    expect(r.findings[2]!.ok).toBe(true)
    expect(evaluateCheck(ok(''), [cond({ path: 'a', equals: 1 })]).findings[0]!.seen).toBe(
      'the command printed nothing (JSON was expected)',
    )
    expect(evaluateCheck(ok('{"a": '), [cond({ some: { a: 1 } })]).findings[0]!.seen).toBe(
      'the output is not JSON: {"a":',
    )
    expect(evaluateCheck(ok('{"a": 1}'), [cond({ some: { a: 1 } })]).findings[0]!.seen).toBe(
      'the output is not a list: {"a":1}',
    )
  })

  it('atLeast reads numbers and numeric text, and nothing else', () => {
    const size = (v: unknown) =>
      evaluateCheck(ok(JSON.stringify({ size: v })), [cond({ path: 'size', atLeast: 1 })])
    expect(size(1).verdict).toBe('passed')
    expect(size('20').verdict).toBe('passed')
    expect(size(0).verdict).toBe('not-yet')
    expect(size('').verdict).toBe('not-yet')
    expect(size(null).verdict).toBe('not-yet')
    expect(size('big').verdict).toBe('not-yet')
  })

  it('valueAt: exact field first, then another case; numbers index lists', () => {
    const data = { Status: 'a', status: 'b', list: [{ Name: 'x' }] }
    expect(valueAt(data, 'status')).toBe('b')
    expect(valueAt({ Status: 'a' }, 'status')).toBe('a')
    expect(valueAt(data, 'list.0.name')).toBe('x')
    expect(typeof valueAt(data, 'list.1')).toBe('symbol')
  })
})

describe('onItsWay: whether a check that does not hold is worth waiting for', () => {
  const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' })
  const building = { path: 'status', matches: '^(BUILD|creating)$' }
  it('a command that failed (a thing not made) is never waited for', () => {
    expect(onItsWay({ code: 1, stdout: '', stderr: 'No server with a name or ID' }, undefined)).toBe(false)
    expect(onItsWay({ code: null, stdout: '', stderr: '' }, building)).toBe(false)
  })
  it('without waitWhile, any answer is worth waiting for', () => {
    expect(onItsWay(ok('not yet'), undefined)).toBe(true)
  })
  it('with waitWhile, only while the value at its path matches', () => {
    expect(onItsWay(ok('{"status": "BUILD"}'), building)).toBe(true)
    expect(onItsWay(ok('{"status": "creating"}'), building)).toBe(true)
    expect(onItsWay(ok('{"status": "ERROR"}'), building)).toBe(false)
    expect(onItsWay(ok('{"name": "vm"}'), building)).toBe(false)
    expect(onItsWay(ok('not json'), building)).toBe(false)
    expect(onItsWay(ok('booting\nstill booting'), { matches: '^still' })).toBe(true)
  })
})

describe('the CLI language', () => {
  it('--lang wins; else a Korean locale gives Korean; anything else English', () => {
    expect(langOf('ko', { LANG: 'en_US.UTF-8' })).toBe('ko')
    expect(langOf(undefined, { LANG: 'ko_KR.UTF-8' })).toBe('ko')
    expect(langOf(undefined, { LC_ALL: 'C', LANG: 'ko_KR.UTF-8' })).toBe('en')
    expect(langOf(undefined, { LC_MESSAGES: 'ko_KR', LANG: 'C' })).toBe('ko')
    expect(langOf(undefined, { LANG: 'kok_IN' })).toBe('en')
    expect(langOf(undefined, {})).toBe('en')
    expect(() => langOf('fr', {})).toThrow('--lang must be en or ko, not fr')
  })
})
