// Published checksum files, read the way distributions write them: GNU coreutils' `HASH  NAME` (or
// `HASH *NAME` in binary mode) and BSD/`sha256sum --tag`'s `SHA256 (NAME) = HASH`, which CentOS
// (`.SHA256SUM`) and AlmaLinux (`CHECKSUM`) use; `#` comment lines (CentOS writes the size there) skipped.
// Only SHA-256 entries count: a SHA-1 or MD5 line never verifies an image.

export interface ChecksumEntry {
  name: string
  sha256: string
}

/** Every SHA-256 entry of a checksum file, in order. Lines of other hashes or formats are skipped. */
export function parseChecksumFile(text: string): ChecksumEntry[] {
  const entries: ChecksumEntry[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim()
    if (!line || line.startsWith('#')) continue
    const bsd = /^SHA256 \((.+)\) = ([0-9A-Fa-f]{64})$/.exec(line)
    if (bsd) {
      entries.push({ name: bsd[1]!, sha256: bsd[2]!.toLowerCase() })
      continue
    }
    const gnu = /^([0-9A-Fa-f]{64}) [ *](.+)$/.exec(line)
    if (gnu) entries.push({ name: gnu[2]!.replace(/^\.\//, ''), sha256: gnu[1]!.toLowerCase() })
  }
  return entries
}

/**
 * The SHA-256 a checksum file gives for `fileName`. A file with exactly one SHA-256 entry under another
 * name answers too: CentOS's `…-latest.x86_64.qcow2.SHA256SUM` names the dated image "latest" points to.
 * Throws an Error saying what the file holds when there is no answer, or two different ones.
 */
export function checksumFor(text: string, fileName: string): string {
  const entries = parseChecksumFile(text)
  const named = entries.filter((e) => e.name === fileName)
  const hashes = new Set(named.map((e) => e.sha256))
  if (hashes.size > 1)
    throw new Error(`the checksum file gives ${fileName} ${hashes.size} different SHA-256s`)
  if (hashes.size === 1) return [...hashes][0]!
  if (entries.length === 1) return entries[0]!.sha256
  if (entries.length === 0)
    throw new Error(
      'the checksum file holds no SHA-256 line (expected "HASH  NAME" or "SHA256 (NAME) = HASH")',
    )
  const listed = entries
    .slice(0, 5)
    .map((e) => e.name)
    .join(', ')
  throw new Error(
    `the checksum file has no SHA-256 for ${fileName} (it lists ${listed}${entries.length > 5 ? ', …' : ''})`,
  )
}
