#!/usr/bin/env node
// The `stacklab` command: runs the built CLI (out/main/cli.js).
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(cli)) {
  process.stderr.write('stacklab: not built yet; run `npm run build` in the Stacklab folder first.\n')
  process.exit(1)
}
await import(pathToFileURL(cli).href)
