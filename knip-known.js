// knip preprocessor: drops the findings knip.config.js lists as known (each with its verdict) from the
// report, so `npm run lint` passes on today's tree and fails on any NEW unused export, and on a listed one
// that is gone (the list must shrink with the code, never hide something that no longer exists).
import { relative } from 'node:path'

// Issue kinds an entry can match: exports and exported types, plain or in a namespace.
const KINDS = ['exports', 'types', 'nsExports', 'nsTypes']

/** @type {import('knip').Preprocessor} */
export default function dropKnown(data) {
  const known = new Map(Object.entries(JSON.parse(data.preprocessorOptions || '{}').known ?? {}))
  const seen = new Set()
  for (const kind of KINDS) {
    for (const [file, bySymbol] of Object.entries(data.issues[kind] ?? {})) {
      // Records are keyed by how the symbol is reached (`domain.domainSuspend` through `import * as domain`);
      // the entry names the symbol itself.
      for (const [id, issue] of Object.entries(bySymbol)) {
        const key = `${relative(data.cwd, file)}:${issue.symbol}`
        if (!known.has(key)) continue
        seen.add(key)
        delete bySymbol[id]
        data.counters[kind] -= 1
        data.counters.total -= 1
      }
      if (!Object.keys(bySymbol).length) delete data.issues[kind][file]
    }
  }
  const stale = [...known.keys()].filter((key) => !seen.has(key))
  if (stale.length) {
    // knip sets its exit code after the reporters ran; this runs last, so it keeps the failure.
    process.on('exit', () => {
      process.stderr.write(
        `\nknip.config.js lists ${stale.length} known finding(s) knip no longer reports ` +
          `(removed or moved: update the list):\n${stale.map((k) => `  ${k}\n`).join('')}`,
      )
      process.exitCode = 1
    })
  }
  return data
}
