// YAML that people hand to Stacklab (lab definitions, node files): one document of plain mappings, lists and
// scalars, at most 1 MiB. What the `yaml` package would otherwise accept quietly is refused by name: merge
// keys (`<<`, which YAML 1.2 reads as an ordinary key), anchors and aliases (a few lines of aliases can
// expand into gigabytes: "billion laughs"), tags (`!!binary`, `!foo`), complex keys, more than one document.
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  type Document,
  type Node as YamlNode,
  type Pair,
} from 'yaml'
import { printable } from './text'

/** The largest lab file (or node file) Stacklab reads. A real one is a few kilobytes. */
export const MAX_LAB_FILE_BYTES = 1024 * 1024

/** The limit in words, for messages. */
export const MAX_LAB_FILE_TEXT = '1 MiB'

export interface YamlProblem {
  /** Where in the data (`networks.1`), or `(file)` for the file as a whole. */
  path: string
  /** 1-based line of the file, when known. */
  line: number | null
  message: string
}

export class YamlRefused extends Error {
  constructor(readonly problems: YamlProblem[]) {
    super(problems.map(describeProblem).join('; '))
    this.name = 'YamlRefused'
  }
}

export function describeProblem(p: YamlProblem): string {
  const where = [p.path !== '(file)' ? p.path : '', p.line ? `line ${p.line}` : ''].filter(Boolean).join(', ')
  return where ? `${where}: ${p.message}` : p.message
}

/** Tags of YAML's core schema: harmless, they say what plain YAML says anyway. */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
)

/** Text from the file, shown in a message: printable and short. */
function shown(text: string): string {
  const clean = printable(text)
  return clean.length > 40 ? `${clean.slice(0, 40)}...` : clean
}

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length
}

/** Parse `text` as a user's YAML file; throws YamlRefused naming each problem (and its place). */
export function parseUserYaml(text: string): unknown {
  const bytes = utf8Bytes(text)
  if (bytes > MAX_LAB_FILE_BYTES)
    throw new YamlRefused([
      {
        path: '(file)',
        line: null,
        message: `is ${bytes} bytes; a lab file may be at most ${MAX_LAB_FILE_TEXT}`,
      },
    ])
  const nesting = nestingProblem(text)
  if (nesting) throw new YamlRefused([nesting])
  const lineCounter = new LineCounter()
  let docs: Document.Parsed[]
  try {
    // merge: false keeps `<<` an ordinary key (found below); no custom tags are known. Duplicate keys are
    // found below too: the package's own check compares every key with every other (20,000 keys: 36 s).
    docs = parseAllDocuments(text, {
      lineCounter,
      merge: false,
      uniqueKeys: false,
      prettyErrors: true,
      resolveKnownTags: false,
      customTags: [],
    }) as Document.Parsed[]
  } catch (error) {
    throw new YamlRefused([
      { path: '(file)', line: null, message: `is not valid YAML: ${(error as Error).message}` },
    ])
  }
  if (!Array.isArray(docs))
    throw new YamlRefused([{ path: '(file)', line: null, message: 'holds no YAML document (it is empty)' }])
  if (docs.length === 0)
    throw new YamlRefused([
      { path: '(file)', line: null, message: 'holds no YAML document (it is empty or only comments)' },
    ])
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? null : lineCounter.linePos(offset).line
  if (docs.length > 1)
    throw new YamlRefused([
      {
        path: '(file)',
        line: lineOf(docs[1]!.range[0]),
        message: `holds ${docs.length} YAML documents (separated by ---); a lab file holds one`,
      },
    ])
  const doc = docs[0]!
  const error = doc.errors[0]
  if (error)
    throw new YamlRefused([
      {
        path: '(file)',
        line: error.linePos?.[0].line ?? null,
        message: `is not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      },
    ])

  const problems: YamlProblem[] = []
  const seen = new Set<string>()
  const problem = (kind: string, node: YamlNode | Pair, path: readonly unknown[], message: string) => {
    // One report per kind and place; an alias or anchor once by its name (a file full of them need not
    // list each one).
    const at = dataPath(path, node)
    const once = kind.startsWith('alias') || kind.startsWith('anchor') ? kind : `${kind}|${at}`
    if (seen.has(once)) return
    seen.add(once)
    const range = isPair(node) ? (node.key as YamlNode | null)?.range : node.range
    problems.push({ path: at, line: lineOf(range?.[0]), message })
  }
  visit(doc, {
    Pair(_, pair, path) {
      const key = pair.key as YamlNode | null
      if (key && !isScalar(key))
        problem(
          'complex-key',
          pair,
          path,
          'complex mapping keys (? ...) are not supported: keys are plain names',
        )
      else if (isScalar(key) && key.value === '<<' && key.type === 'PLAIN')
        problem('merge', pair, path, 'YAML merge keys (<<) are not supported: write the keys out in full')
    },
    // One visitor for every node: the package calls only the most specific one a node has.
    Node(_, node, path) {
      if (isAlias(node)) {
        problem(
          `alias *${node.source}`,
          node,
          path,
          `YAML aliases (*${shown(node.source)}) are not supported: write the value out in full (aliases can ` +
            'expand a small file into a huge one)',
        )
        return
      }
      if (node.anchor)
        problem(
          `anchor &${node.anchor}`,
          node,
          path,
          `YAML anchors (&${shown(node.anchor)}) are not supported: a lab file is written out in full, without anchors or aliases`,
        )
      if (node.tag && !CORE_TAGS.has(node.tag))
        problem(
          'tag',
          node,
          path,
          `YAML tags (${shown(node.tag.replace(/^tag:yaml\.org,2002:/, '!!'))}) are not supported: write plain values`,
        )
      if (isMap(node)) {
        const keys = new Set<unknown>()
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? pair.key.value : null
          if (key !== null && keys.has(key))
            problem(
              'duplicate',
              pair,
              [...path, node],
              `the key ${shown(typeof key === 'string' ? key : (JSON.stringify(key) ?? 'null'))} is given twice`,
            )
          keys.add(key)
        }
      }
    },
  })
  if (problems.length) throw new YamlRefused(problems)
  try {
    return doc.toJS({ maxAliasCount: 0 }) as unknown
  } catch (error) {
    throw new YamlRefused([
      { path: '(file)', line: null, message: `cannot be read: ${(error as Error).message}` },
    ])
  }
}

/** More than any lab file has: refused before the parser spends seconds (or its stack) on it. */
const MAX_FLOW_OPENERS = 1024
const MAX_INDENT = 128
const MAX_COMPACT = 64

/**
 * Nesting a lab file never needs, found by a linear scan before parsing: more than 1024 flow openers
 * (`[`, `{`) anywhere in the file (counted without regard to quotes or comments, so no quoting trick
 * hides a deep `[[[[...`), a line indented more than 128 columns, or more than 64 compact entries at the
 * start of one line (`- - - ...`).
 */
function nestingProblem(text: string): YamlProblem | null {
  let openers = 0
  let line = 1
  let lineStart = 0
  for (let i = 0; i <= text.length; i++) {
    const c = text[i]
    if (c === '[' || c === '{') {
      if (++openers > MAX_FLOW_OPENERS)
        return {
          path: '(file)',
          line,
          message: `has more than ${MAX_FLOW_OPENERS} [ and { in it: more nesting than a lab file has`,
        }
    }
    if (c !== '\n' && c !== undefined) continue
    const head = /^( *)((?:[-?:][ \t]+)*)/.exec(text.slice(lineStart, Math.min(i, lineStart + 1024)))!
    if (head[1]!.length > MAX_INDENT)
      return {
        path: '(file)',
        line,
        message: `is indented more than ${MAX_INDENT} columns: nested too deeply for a lab file`,
      }
    if (head[2]!.replace(/[ \t]/g, '').length > MAX_COMPACT)
      return {
        path: '(file)',
        line,
        message: `has more than ${MAX_COMPACT} nested entries on one line: too deep for a lab file`,
      }
    line++
    lineStart = i + 1
  }
  return null
}

/** `networks.1.dhcp` for a node, from the ancestors the visitor gives. */
function dataPath(ancestors: readonly unknown[], node: unknown): string {
  const parts: string[] = []
  const chain = [...ancestors, node]
  chain.forEach((step, i) => {
    if (isPair(step) && step !== node) {
      const key = step.key as YamlNode | null
      parts.push(isScalar(key) ? shown(String(key.value)) : '?')
    } else if (isSeq(step)) {
      const next = chain[i + 1]
      const index = step.items.indexOf(next)
      if (index >= 0) parts.push(String(index))
    }
  })
  return parts.length ? parts.join('.') : '(file)'
}
