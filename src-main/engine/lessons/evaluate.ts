// A check's verdict from its command's result: pure, never throws. A command that failed is "not yet" (that
// is how `openstack ... show` answers for a thing not made), with its last error line as what was seen;
// output that is not the JSON a condition needs is "not yet" too, said plainly. Values are compared as text,
// case-insensitively (`ACTIVE` and `active`, `true` and true are the same), as the Condition doc says.
import type { Condition, Finding, Text, WaitWhile } from '../../../src-shared/lesson'

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface Evaluation {
  verdict: 'passed' | 'not-yet'
  findings: Finding[]
}

/** What a finding shows of a value or a line: short, one line. */
const MAX_SEEN = 300

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > MAX_SEEN ? `${one.slice(0, MAX_SEEN)}...` : one
}

/** The last line of a command's error output that says something (not blank), else of its output. */
export function lastMeaningfulLine(result: CommandResult): string {
  for (const text of [result.stderr, result.stdout]) {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    if (lines.length) return clip(lines.at(-1)!)
  }
  return ''
}

const NOT_FOUND = Symbol('not found')

/**
 * The value at a dotted path (`status`, `properties.os_type`, `router:external`): an exact field first, then
 * a field of the same name in another case; a number walks into a list. Empty path: the whole value.
 */
export function valueAt(data: unknown, path: string | undefined): unknown {
  if (!path) return data
  let here: unknown = data
  for (const part of path.split('.')) {
    if (Array.isArray(here) && /^\d+$/.test(part)) {
      here = Number(part) < here.length ? here[Number(part)] : NOT_FOUND
    } else if (here && typeof here === 'object' && !Array.isArray(here)) {
      const obj = here as Record<string, unknown>
      const key = part in obj ? part : Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase())
      here = key === undefined ? NOT_FOUND : obj[key]
    } else here = NOT_FOUND
    if (here === NOT_FOUND) return NOT_FOUND
  }
  return here
}

/** A value as text for comparing and showing: strings as they are, the rest as JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  return JSON.stringify(value) ?? ''
}

/** Same as text, case-insensitively; a list matches when one of its items does. */
function same(value: unknown, wanted: string | number | boolean): boolean {
  const w = String(wanted).toLowerCase()
  if (Array.isArray(value)) return value.some((v) => same(v, wanted)) || asText(value).toLowerCase() === w
  return asText(value).toLowerCase() === w
}

function fields(record: Record<string, string | number | boolean>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')
}

/** The item has every field of `record` (a field name may be a dotted path into the item). */
function itemHas(item: unknown, record: Record<string, string | number | boolean>): boolean {
  return Object.entries(record).every(([k, v]) => {
    const found = valueAt(item, k)
    return found !== NOT_FOUND && same(found, v)
  })
}

/** What a condition that holds says, in both languages (the lesson's own words are for what is missing). */
function holds(c: Condition): Text {
  const p = c.path || 'the output'
  const pk = c.path || '출력'
  if (c.equals !== undefined)
    return { en: `${p} is ${String(c.equals)}`, ko: `${pk} 값이 ${String(c.equals)}입니다` }
  if (c.atLeast !== undefined)
    return { en: `${p} is at least ${c.atLeast}`, ko: `${pk} 값이 ${c.atLeast} 이상입니다` }
  if (c.matches !== undefined)
    return { en: `${p} matches ${c.matches}`, ko: `${pk} 값이 ${c.matches} 형식에 맞습니다` }
  if (c.some) return { en: `an item has ${fields(c.some)}`, ko: `${fields(c.some)} 항목이 있습니다` }
  if (c.none) return { en: `no item has ${fields(c.none)}`, ko: `${fields(c.none)} 항목이 없습니다` }
  if (c.count !== undefined) return { en: `at least ${c.count} items`, ko: `항목이 ${c.count}개 이상입니다` }
  return { en: `the output contains ${c.contains}`, ko: `출력에 다음 내용이 있습니다: ${c.contains}` }
}

type Parsed = { ok: true; data: unknown } | { ok: false; seen: string }

function parseJson(stdout: string): Parsed {
  const text = stdout.trim()
  if (!text) return { ok: false, seen: 'the command printed nothing (JSON was expected)' }
  try {
    return { ok: true, data: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, seen: `the output is not JSON: ${clip(text)}` }
  }
}

function judge(c: Condition, stdout: string, json: () => Parsed): Finding {
  const ok = (yes: boolean, seen: string): Finding => ({
    ok: yes,
    says: yes ? holds(c) : c.missing,
    seen: clip(seen),
  })
  if (c.contains !== undefined)
    return ok(stdout.includes(c.contains), stdout.trim() ? stdout : 'the command printed nothing')
  if (c.matches !== undefined && !c.path) {
    const re = new RegExp(c.matches, 'm')
    const line = stdout.split('\n').find((l) => re.test(l))
    return ok(re.test(stdout), line ?? (stdout.trim() ? stdout : 'the command printed nothing'))
  }
  const parsed = json()
  if (!parsed.ok) return ok(false, parsed.seen)
  const data = parsed.data
  if (c.some || c.none || c.count !== undefined) {
    if (!Array.isArray(data)) return ok(false, `the output is not a list: ${asText(data)}`)
    if (c.count !== undefined) return ok(data.length >= c.count, `${data.length} items`)
    const list: unknown[] = data
    const match = list.find((item) => itemHas(item, (c.some ?? c.none)!))
    if (c.some)
      return ok(
        match !== undefined,
        match !== undefined ? asText(match) : `${data.length} items, none with ${fields(c.some)}`,
      )
    return ok(match === undefined, match !== undefined ? asText(match) : `${data.length} items`)
  }
  const value = valueAt(data, c.path)
  if (value === NOT_FOUND) return ok(false, `the output has no field ${c.path}`)
  if (c.equals !== undefined) return ok(same(value, c.equals), asText(value))
  if (c.atLeast !== undefined) {
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN
    return ok(Number.isFinite(n) && n >= c.atLeast, asText(value))
  }
  // matches with a path
  return ok(new RegExp(c.matches!, 'm').test(asText(value)), asText(value))
}

/** The verdict and a finding per condition; a command that failed gives one finding (its error). */
export function evaluateCheck(result: CommandResult, expect: readonly Condition[]): Evaluation {
  if (result.code !== 0) {
    const line = lastMeaningfulLine(result)
    const status = result.code === null ? 'the command was ended by a signal' : `exit status ${result.code}`
    return {
      verdict: 'not-yet',
      findings: [{ ok: false, says: expect[0]!.missing, seen: line ? `${line} (${status})` : status }],
    }
  }
  let parsed: Parsed | null = null
  const json = () => (parsed ??= parseJson(result.stdout))
  const findings = expect.map((c) => judge(c, result.stdout, json))
  return { verdict: findings.every((f) => f.ok) ? 'passed' : 'not-yet', findings }
}

/**
 * Whether a check that does not hold yet is worth trying again: its command succeeded (a thing not made is
 * not on its way) and, when the check says what "on its way" looks like, its output says so.
 */
export function onItsWay(result: CommandResult, waitWhile: WaitWhile | undefined): boolean {
  if (result.code !== 0) return false
  if (!waitWhile) return true
  const re = new RegExp(waitWhile.matches, 'm')
  if (!waitWhile.path) return re.test(result.stdout)
  const parsed = parseJson(result.stdout)
  if (!parsed.ok) return false
  const value = valueAt(parsed.data, waitWhile.path)
  return value !== NOT_FOUND && re.test(asText(value))
}
