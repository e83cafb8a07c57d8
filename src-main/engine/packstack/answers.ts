// Packstack answer-file editor. The file is what `packstack --gen-answer-file` writes: a `[general]` section,
// `# comment` lines, blank lines and KEY=VALUE lines, read by Python's configparser (keys are
// case-insensitive, the value is stripped, `=` or `:` separates). Editing keeps every line it does not
// change byte for byte: comments, blank lines, line endings (LF, CRLF, CR) and a missing final newline.
import { ApiError } from '../../../src-shared/errors'
import { parseIpv4 } from '../../../src-shared/ipv4'
import { hasControl } from '../../../src-shared/text'
import {
  ANSWER_KEYS,
  DEFAULT_HYPERVISOR,
  INSTALL_KEYS,
  ML2_CHOICES,
  type AnswerFields,
  type InstallService,
} from '../../../src-shared/packstack'

export interface AnswerLine {
  text: string
  /** The line ending as found: '\n', '\r\n', '\r', or '' for a last line without one. */
  eol: string
}

export interface AnswerDoc {
  lines: AnswerLine[]
}

interface Entry {
  index: number
  key: string
  section: string | null
  /** Offset in the line where the value starts (after the separator and its spaces). */
  valueStart: number
}

const SECTION = /^\s*\[([^\]]+)\]\s*$/
const COMMENT = /^\s*[#;]/
const KEY = /^\s*([A-Za-z0-9_.-]+)\s*[=:][ \t]*/

export function parseAnswerFile(text: string): AnswerDoc {
  const lines: AnswerLine[] = []
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c !== '\n' && c !== '\r') continue
    const eol = c === '\r' && text[i + 1] === '\n' ? '\r\n' : c
    lines.push({ text: text.slice(start, i), eol })
    i += eol.length - 1
    start = i + 1
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' })
  return { lines }
}

export function renderAnswerFile(doc: AnswerDoc): string {
  return doc.lines.map((l) => l.text + l.eol).join('')
}

function entriesOf(doc: AnswerDoc): Entry[] {
  const entries: Entry[] = []
  let section: string | null = null
  doc.lines.forEach((line, index) => {
    const s = SECTION.exec(line.text)
    if (s) {
      section = s[1]!.trim()
      return
    }
    if (COMMENT.test(line.text) || !line.text.trim()) return
    const m = KEY.exec(line.text)
    if (m) entries.push({ index, key: m[1]!.toUpperCase(), section, valueStart: m[0].length })
  })
  return entries
}

const inGeneral = (e: Entry) => e.section?.toLowerCase() === 'general'

/** Every KEY=VALUE of `[general]`, keys upper-cased; a key given twice keeps its last value. */
export function readRaw(doc: AnswerDoc): Map<string, string> {
  const values = new Map<string, string>()
  for (const e of entriesOf(doc).filter(inGeneral))
    values.set(e.key, doc.lines[e.index]!.text.slice(e.valueStart).trim())
  return values
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
const yn = (v: string | undefined) => (v === 'y' ? true : v === 'n' ? false : undefined)

function pairs<A extends string, B extends string>(v: string, a: A, b: B): Record<A | B, string>[] {
  return list(v).map((item) => {
    const i = item.indexOf(':')
    return { [a]: i < 0 ? item : item.slice(0, i), [b]: i < 0 ? '' : item.slice(i + 1) } as Record<
      A | B,
      string
    >
  })
}

/** The typed fields Stacklab works with; a key that is absent (or not y/n where it must be) is left out. */
export function readFields(doc: AnswerDoc): AnswerFields {
  const raw = readRaw(doc)
  const get = (key: string) => raw.get(key)
  const f: AnswerFields = {}
  const str = (
    name:
      | 'adminPassword'
      | 'defaultPassword'
      | 'controllerHost'
      | 'l2Agent'
      | 'novaVirtType'
      | 'ovsExternalPhysnet'
      | 'ovnExternalPhysnet',
  ) => {
    const v = get(ANSWER_KEYS[name])
    if (v !== undefined) f[name] = v
  }
  str('adminPassword')
  str('defaultPassword')
  str('controllerHost')
  str('l2Agent')
  str('novaVirtType')
  str('ovsExternalPhysnet')
  str('ovnExternalPhysnet')
  for (const name of [
    'computeHosts',
    'networkHosts',
    'ntpServers',
    'ovsBridgesCompute',
    'ovnBridgesCompute',
    'ml2TypeDrivers',
    'ml2TenantNetworkTypes',
    'ml2MechanismDrivers',
  ] as const) {
    const v = get(ANSWER_KEYS[name])
    if (v !== undefined) f[name] = list(v)
  }
  for (const name of ['ovsBridgeIfaces', 'ovnBridgeIfaces'] as const) {
    const v = get(ANSWER_KEYS[name])
    if (v !== undefined) f[name] = pairs(v, 'bridge', 'iface')
  }
  for (const name of ['ovsBridgeMappings', 'ovnBridgeMappings'] as const) {
    const v = get(ANSWER_KEYS[name])
    if (v !== undefined) f[name] = pairs(v, 'physnet', 'bridge')
  }
  for (const name of ['provisionDemo', 'useSubnets'] as const) {
    const v = yn(get(ANSWER_KEYS[name]))
    if (v !== undefined) f[name] = v
  }
  const install: NonNullable<AnswerFields['install']> = {}
  for (const [service, key] of Object.entries(INSTALL_KEYS)) {
    const v = yn(get(key))
    if (v !== undefined) install[service as InstallService] = v
  }
  if (Object.keys(install).length) f.install = install
  return f
}

export interface AnswerIssue {
  /** The answer-file key, e.g. CONFIG_COMPUTE_HOSTS. */
  path: string
  message: string
}

/** Linux interface (and bridge) names: at most 15 characters, no slash, no white space. */
const IFACE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}$/
const PHYSNET = /^[A-Za-z0-9_.-]+$/
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/

/** Check a patch and turn it into KEY -> value text; every problem names its key. */
export function encodeFields(patch: AnswerFields): { values: Map<string, string>; issues: AnswerIssue[] } {
  const values = new Map<string, string>()
  const issues: AnswerIssue[] = []
  const bad = (key: string, message: string) => issues.push({ path: key, message: `${key}: ${message}` })
  const ipv4List = (key: string, hosts: string[], min: number) => {
    if (hosts.length < min) return bad(key, 'needs at least one IPv4 address')
    const wrong = hosts.filter((h) => parseIpv4(h.trim()) === null)
    if (wrong.length) return bad(key, `${wrong.join(', ')} is not an IPv4 address like 192.168.122.100`)
    values.set(key, hosts.map((h) => h.trim()).join(','))
  }
  const ifaceList = (key: string, names: string[]) => {
    const wrong = names.filter((n) => !IFACE.test(n))
    if (wrong.length) return bad(key, `${wrong.join(', ')} is not an interface name (like eth1 or br-ex)`)
    values.set(key, names.join(','))
  }
  const password = (key: string, v: string, allowEmpty: boolean) => {
    if (!allowEmpty && !v) return bad(key, 'must not be empty')
    if (hasControl(v)) return bad(key, 'must not contain line breaks or control characters')
    values.set(key, v)
  }

  if (patch.adminPassword !== undefined) password(ANSWER_KEYS.adminPassword, patch.adminPassword, false)
  if (patch.defaultPassword !== undefined) password(ANSWER_KEYS.defaultPassword, patch.defaultPassword, true)
  if (patch.controllerHost !== undefined) ipv4List(ANSWER_KEYS.controllerHost, [patch.controllerHost], 1)
  if (patch.computeHosts !== undefined) ipv4List(ANSWER_KEYS.computeHosts, patch.computeHosts, 1)
  if (patch.networkHosts !== undefined) ipv4List(ANSWER_KEYS.networkHosts, patch.networkHosts, 1)
  if (patch.ntpServers !== undefined) {
    const key = ANSWER_KEYS.ntpServers
    const wrong = patch.ntpServers.filter((s) => !HOSTNAME.test(s))
    if (wrong.length) bad(key, `${wrong.join(', ')} is not a host name or address`)
    else values.set(key, patch.ntpServers.join(','))
  }
  if (patch.l2Agent !== undefined) {
    const key = ANSWER_KEYS.l2Agent
    if (!['linuxbridge', 'openvswitch', 'ovn'].includes(patch.l2Agent))
      bad(key, `must be linuxbridge, openvswitch or ovn, not ${JSON.stringify(patch.l2Agent)}`)
    else values.set(key, patch.l2Agent)
  }
  for (const name of ['ovsBridgeIfaces', 'ovnBridgeIfaces'] as const) {
    const v = patch[name]
    if (v === undefined) continue
    const key = ANSWER_KEYS[name]
    const wrong = v.filter((p) => !IFACE.test(p.bridge) || !IFACE.test(p.iface))
    if (wrong.length)
      bad(
        key,
        `${wrong.map((p) => `${p.bridge}:${p.iface}`).join(', ')} is not bridge:interface (like br-ex:eth1; names of at most 15 characters)`,
      )
    else values.set(key, v.map((p) => `${p.bridge}:${p.iface}`).join(','))
  }
  for (const name of ['ovsBridgeMappings', 'ovnBridgeMappings'] as const) {
    const v = patch[name]
    if (v === undefined) continue
    const key = ANSWER_KEYS[name]
    const wrong = v.filter((p) => !PHYSNET.test(p.physnet) || !IFACE.test(p.bridge))
    if (wrong.length)
      bad(
        key,
        `${wrong.map((p) => `${p.physnet}:${p.bridge}`).join(', ')} is not physnet:bridge (like extnet:br-ex)`,
      )
    else values.set(key, v.map((p) => `${p.physnet}:${p.bridge}`).join(','))
  }
  for (const name of ['ovsBridgesCompute', 'ovnBridgesCompute'] as const) {
    const v = patch[name]
    if (v !== undefined) ifaceList(ANSWER_KEYS[name], v)
  }
  for (const name of ['ovsExternalPhysnet', 'ovnExternalPhysnet'] as const) {
    const v = patch[name]
    if (v === undefined) continue
    if (!PHYSNET.test(v))
      bad(ANSWER_KEYS[name], `${JSON.stringify(v)} is not a physical network name (like extnet)`)
    else values.set(ANSWER_KEYS[name], v)
  }
  for (const name of ['ml2TypeDrivers', 'ml2TenantNetworkTypes', 'ml2MechanismDrivers'] as const) {
    const v = patch[name]
    if (v === undefined) continue
    const allowed: readonly string[] = ML2_CHOICES[name]
    const wrong = v.filter((d) => !allowed.includes(d))
    if (!v.length) bad(ANSWER_KEYS[name], 'needs at least one value')
    else if (wrong.length)
      bad(ANSWER_KEYS[name], `${wrong.join(', ')} is not one of packstack's choices: ${allowed.join(', ')}`)
    else values.set(ANSWER_KEYS[name], v.join(','))
  }
  if (patch.novaVirtType !== undefined) {
    const key = ANSWER_KEYS.novaVirtType
    if (!['kvm', 'qemu', DEFAULT_HYPERVISOR].includes(patch.novaVirtType))
      bad(key, `must be kvm, qemu or ${DEFAULT_HYPERVISOR}, not ${JSON.stringify(patch.novaVirtType)}`)
    else values.set(key, patch.novaVirtType)
  }
  for (const name of ['provisionDemo', 'useSubnets'] as const) {
    const v = patch[name]
    if (v !== undefined) values.set(ANSWER_KEYS[name], v ? 'y' : 'n')
  }
  for (const [service, v] of Object.entries(patch.install ?? {})) {
    const key = INSTALL_KEYS[service as InstallService]
    if (!key) bad(`install.${service}`, 'is not a service packstack installs')
    else if (v !== undefined) values.set(key, v ? 'y' : 'n')
  }
  return { values, issues }
}

function dominantEol(doc: AnswerDoc): string {
  return doc.lines.find((l) => l.eol)?.eol ?? '\n'
}

/**
 * Set KEY to a value: every `[general]` line of that key gets the new value (its `KEY=` part untouched);
 * an absent key is added at the end of `[general]` (after its last non-blank line), `[general]` itself at
 * the end of the file when there is none.
 */
export function setRaw(doc: AnswerDoc, key: string, value: string): AnswerDoc {
  if (/[\r\n]/.test(value))
    throw new ApiError({ code: 'bad-request', message: `${key}: a value is one line` })
  const upper = key.toUpperCase()
  const lines = doc.lines.map((l) => ({ ...l }))
  const entries = entriesOf(doc)
  const hits = entries.filter((e) => inGeneral(e) && e.key === upper)
  for (const e of hits) lines[e.index]!.text = lines[e.index]!.text.slice(0, e.valueStart) + value
  if (hits.length) return { lines }

  const eol = dominantEol(doc)
  const insert = (at: number, added: string[]) => {
    const atEnd = at === lines.length
    const last = lines[lines.length - 1]
    const newLines = added.map((text) => ({ text, eol }))
    if (atEnd && last && last.eol === '') {
      // Keep the file's missing final newline: the old last line gets one, the new last line has none.
      last.eol = eol
      newLines[newLines.length - 1]!.eol = ''
    }
    lines.splice(at, 0, ...newLines)
  }
  const header = lines.findIndex((l) => SECTION.exec(l.text)?.[1]!.trim().toLowerCase() === 'general')
  if (header < 0) {
    insert(lines.length, ['[general]', `${upper}=${value}`])
    return { lines }
  }
  let end = lines.findIndex((l, i) => i > header && SECTION.test(l.text))
  if (end < 0) end = lines.length
  let at = end
  while (at > header + 1 && !lines[at - 1]!.text.trim()) at--
  insert(at, [`${upper}=${value}`])
  return { lines }
}

/** Set typed fields in an answer file's text; nothing changes unless every field is valid. */
export function updateAnswerText(text: string, patch: AnswerFields): string {
  const { values, issues } = encodeFields(patch)
  if (issues.length)
    throw new ApiError({
      code: 'bad-request',
      message: `Invalid answer-file values: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    })
  let doc = parseAnswerFile(text)
  for (const [key, value] of values) doc = setRaw(doc, key, value)
  return renderAnswerFile(doc)
}

/** Typed fields and the number of distinct keys in `[general]`. */
export function readAnswerText(text: string): { fields: AnswerFields; keys: number } {
  const doc = parseAnswerFile(text)
  return { fields: readFields(doc), keys: readRaw(doc).size }
}
