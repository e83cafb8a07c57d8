// XML from libvirt, parsed with a real parser into plain objects (attributes as `@_name`). The parser is set up
// for untrusted input: domains and networks made by other tools carry their own `<metadata>` (any element
// names, any depth libvirt accepts), and one such document must never make the parser throw.
//
// Limits, stated here and tested in test/unit/libvirt-xml.test.ts and test/integration/libvirt-anyvm.test.ts:
// - Depth: MAX_XML_DEPTH (2048) nested elements. libvirt's libxml2 refuses 256 levels (2048 with its HUGE
//   option), so every document libvirt hands out reads; a deeper one fails alone (per-object guard). Parse
//   time stays linear in depth (about 25 ms at 2048 levels).
// - Size: MAX_XML_CHARS (16 Mi characters). libvirt's RPC carries at most 4 MiB per document.
// - Element names: every legal name reads. `constructor`, `prototype` and `__proto__` become `#constructor`
//   etc., `toString`, `hasOwnProperty`... become `#toString`...: no element can reach Object.prototype, and
//   `#` cannot start an XML name, so a renamed element never collides with a real one.
// - Text: kept exactly (no trimming: a libvirt name may start or end with a space). Character references
//   (`&#233;`, `&#x1F600;`) and XML's five named entities are decoded once; a DOCTYPE cannot define entities
//   (libvirt never writes one), so nothing expands.
import { XMLParser } from 'fast-xml-parser'

export const MAX_XML_DEPTH = 2048
export const MAX_XML_CHARS = 16 * 1024 * 1024

const RESERVED = new Set(['__proto__', 'constructor', 'prototype'])
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** One pass over the text: XML's named entities and character references, nothing else. */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref]!
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
    // XML allows no NUL, no lone surrogate, nothing past U+10FFFF: keep such a reference as written.
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return whole
    return String.fromCodePoint(code)
  })
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  entityDecoder: {
    setExternalEntities: () => undefined,
    addInputEntities: () => undefined,
    reset: () => undefined,
    setXmlVersion: () => undefined,
    decode: decodeEntities,
  },
  maxNestedTags: MAX_XML_DEPTH,
  // No path strings built per element: with them, parse time grows with the square of the depth.
  jPath: false,
  transformTagName: (name) => (RESERVED.has(name) ? `#${name}` : name),
  onDangerousProperty: (name) => `#${name}`,
})

export class XmlLimitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'XmlLimitError'
  }
}

export type XmlNode = { [key: string]: XmlValue }
export type XmlValue = string | XmlNode | XmlValue[]

export function parseXml(text: string): XmlNode {
  if (text.length > MAX_XML_CHARS)
    throw new XmlLimitError(`XML document of ${text.length} characters; the limit is ${MAX_XML_CHARS}`)
  try {
    return parser.parse(text) as XmlNode
  } catch (error) {
    const message = (error as Error).message ?? String(error)
    if (/nested tags/i.test(message))
      throw new XmlLimitError(`XML nested deeper than ${MAX_XML_DEPTH} elements`)
    throw error
  }
}

/** Always an array: libvirt XML has elements that appear once or many times. */
export function many(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** A child element or attribute, only ever an own property (never something inherited from Object). */
export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  // An element libvirt writes once but that appears twice: the first one.
  if (Array.isArray(node)) return child(node[0], name)
  if (!node || typeof node !== 'object') return undefined
  return Object.prototype.hasOwnProperty.call(node, name) ? node[name] : undefined
}

export function attr(node: XmlValue | undefined, name: string): string | undefined {
  const value = child(node, `@_${name}`)
  return typeof value === 'string' ? value : undefined
}

/** The text of an element, exactly as written (an element that appears twice: the first one). */
export function text(node: XmlValue | undefined): string | undefined {
  if (Array.isArray(node)) return text(node[0])
  if (typeof node === 'string') return node
  const value = child(node, '#text')
  return typeof value === 'string' ? value : undefined
}
