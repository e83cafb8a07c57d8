// A cloud image as a lab's base (instead of the preset's virt-builder template): where it comes from (an
// http/https URL or an absolute path on this machine) and how it is verified (a literal SHA-256, or a
// published checksum file such as CentOS's `.SHA256SUM` or AlmaLinux's `CHECKSUM`). Checked here, before
// anything is fetched or written, with messages that name the field. Pure: the wizard checks as you type.
import { z } from 'zod'
import { closedObject } from './closed-object'

/** Where an image or checksum file may come from, and why not when it may not. */
export function imageSourceProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty'
  if (value.length > 2048) return 'is longer than 2048 characters'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return 'must not contain spaces or control characters'
  if (value.startsWith('/')) {
    if (value.split('/').some((part) => part === '..' || part === '.'))
      return 'must be a plain absolute path (no . or .. parts)'
    return null
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase()
  if (!scheme)
    return 'must be an http:// or https:// URL, or an absolute path of a file on this machine (starting with /)'
  if (scheme !== 'http' && scheme !== 'https')
    return `${scheme}: is not supported: use an http:// or https:// URL, or an absolute path of a file on this machine`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a valid URL'
  }
  if (!url.hostname) return 'names no host'
  if (url.username || url.password) return 'must not carry a user name or password'
  if (!fileNameOf(value)) return 'must name a file (it ends with /)'
  return null
}

const Source = z.string().superRefine((value, ctx) => {
  const problem = imageSourceProblem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

export const Sha256 = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256: 64 hexadecimal digits'))

export const CloudImage = closedObject({
  /** The qcow2 (or raw) image: an http/https URL or an absolute path on this machine. */
  url: Source,
  /** Its SHA-256 (64 hex digits). */
  sha256: Sha256.optional(),
  /** Or a published checksum file (GNU `HASH  NAME` or BSD `SHA256 (NAME) = HASH`) listing it. */
  checksumUrl: Source.optional(),
}).superRefine((image, ctx) => {
  if (image.sha256 === undefined && image.checksumUrl === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['sha256'],
      message:
        'give the image’s sha256 (64 hex digits) or a checksumUrl of the checksum file published beside it: an image is never used unverified',
    })
  if (image.sha256 !== undefined && image.checksumUrl !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['checksumUrl'],
      message: 'give sha256 or checksumUrl, not both',
    })
})
export type CloudImage = z.infer<typeof CloudImage>
export type CloudImageInput = z.input<typeof CloudImage>

/** The file name an image is listed under in its checksum file: the last part of its URL's path or its path. */
export function fileNameOf(source: string): string {
  let path = source
  if (!source.startsWith('/')) {
    try {
      path = decodeURIComponent(new URL(source).pathname)
    } catch {
      return ''
    }
  }
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The cached base made from a cloud image, named by the SHA-256 of what was published. */
export function cloudBaseName(sha256: string): string {
  return `cloud-${sha256}.qcow2`
}

/** A cloud image published for a preset: what the wizard and `stacklab lab default` offer. */
export interface PublishedImage {
  url: string
  checksumUrl: string
  /** What it is, said in the wizard and the CLI. */
  label: string
}
