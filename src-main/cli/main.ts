// Entry point of the `stacklab` command (built to out/main/cli.js).
import { main } from './cli'

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`stacklab: ${String(error)}\n`)
    process.exitCode = 1
  },
)
