// What the CLI says about presets and releases: a YAML comment header for `stacklab lab default` (the
// chosen OS and release and what they mean) and the list `stacklab lab presets` prints. The facts are
// src-shared's (lifecycle.ts), so the CLI and the wizard say the same.
import { PRESETS, type Preset } from '../../src-shared/lab'
import { factLines, releaseInfo } from '../../src-shared/lifecycle'

function releaseLine(release: string): string {
  const info = releaseInfo(release)
  if (!info) return release
  const net = info.networking === 'ovn' ? 'ML2/OVN' : 'Open vSwitch'
  return `${release} (${info.version}, ${net})`
}

/** `# ...` lines that say what a lab on this preset and release means, then a blank comment line. */
/**
 * Where the lab's base image comes from, and how to choose a cloud image instead (the `image:` field): a
 * template preset shows the field commented out, filled with the distribution's published image.
 */
function baseLines(preset: Preset): string[] {
  const image = preset.cloudImage
  const how = [
    '  (or sha256: <64 hex digits> instead of checksumUrl; url may also be the absolute path of a qcow2',
    '  file on this machine. It is downloaded once, resumably, checked, kept as a base, cloud-init off.)',
  ]
  if (preset.template === null)
    return [
      `Base image: a cloud image (image: below; virt-builder has no template for this OS)${image ? `: ${image.label}` : ''}`,
      ...how,
    ]
  const lines = [`Base image: the virt-builder template ${preset.template}.`]
  if (image)
    lines.push(
      `Or a cloud image, ${image.label}: add`,
      'image:',
      `  url: ${image.url}`,
      `  checksumUrl: ${image.checksumUrl}`,
      ...how,
      ...factLines(['cloud-image']).map((f) => `  ${f}`),
    )
  return lines
}

export function presetHeader(preset: Preset, release: string): string {
  const lines = [
    `Guest OS: ${preset.label} [preset ${preset.id}]`,
    ...factLines(preset.facts).map((f) => `  ${f}`),
    ...baseLines(preset),
    `OpenStack release: ${releaseLine(release)}`,
    ...factLines((releaseInfo(release)?.facts ?? []).filter((f) => !preset.facts.includes(f))).map(
      (f) => `  ${f}`,
    ),
    `Other choices: stacklab lab presets; then stacklab lab default --preset ID --release NAME`,
  ]
  return lines.map((l) => `# ${l}`.trimEnd()).join('\n') + '\n'
}

/** Every preset with its releases and facts, current ones first, archived ones marked. */
export function presetList(): string {
  const out: string[] = []
  const ordered = [...PRESETS.filter((p) => !p.archived), ...PRESETS.filter((p) => p.archived)]
  for (const p of ordered) {
    out.push(
      `${p.id}${p.archived ? '  [archived]' : ''}${p.preview ? '  [preview]' : ''}  ${p.label}  (${p.template ? `template ${p.template}` : 'cloud image only'})`,
    )
    if (p.preview) out.push(`    ${p.preview}`)
    for (const f of factLines(p.facts)) out.push(`    ${f}`)
    if (p.cloudImage)
      out.push(
        `    cloud image${p.template ? ' (optional)' : ''}: ${p.cloudImage.url}`,
        `      checksum file: ${p.cloudImage.checksumUrl}`,
      )
    out.push(`    releases: ${p.releases.map(releaseLine).join(', ')}`)
    const seen = new Set<string>(p.facts)
    for (const r of p.releases)
      for (const f of releaseInfo(r)?.facts ?? [])
        if (!seen.has(f)) {
          seen.add(f)
          out.push(`    ${r === p.releases[0] ? '' : `${r} and older: `}${factLines([f])[0]}`)
        }
    out.push('')
  }
  return out.join('\n')
}
