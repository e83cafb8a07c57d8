// XML from libvirt, parsed with a real parser into plain objects (attributes as `@_name`).
import { XMLParser } from 'fast-xml-parser'

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
})

export type XmlNode = { [key: string]: XmlValue }
export type XmlValue = string | XmlNode | XmlValue[]

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode
}

/** Always an array: libvirt XML has elements that appear once or many times. */
export function many(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined
  return node[name]
}

export function attr(node: XmlValue | undefined, name: string): string | undefined {
  const value = child(node, `@_${name}`)
  return typeof value === 'string' ? value : undefined
}

export function text(node: XmlValue | undefined): string | undefined {
  if (typeof node === 'string') return node
  const value = child(node, '#text')
  return typeof value === 'string' ? value : undefined
}
