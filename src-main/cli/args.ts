// The CLI's argument rules, in the one helper every command uses: only the options the command knows
// (node:util parseArgs, strict), exactly the positional arguments it names, and nothing more. A stray word
// is refused, not ignored: `stacklab lab create lab.yaml hunter2` must not run as if `hunter2` were not
// there (and the word is shown back only on this terminal, never logged).
// Each command's usage and help text live in its spec, so `stacklab --help`, `stacklab <command> --help` and
// a usage error all say the same.
import { parseArgs, type ParseArgsConfig } from 'node:util'

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>

/** The command was written wrong: exit 2, with the usage text. */
export class UsageError extends Error {}

/** The command was right but its input cannot be used (binary, too big, empty): exit 2, without usage. */
export class InputError extends Error {}

/** `--help` (or `-h`) was given: the command's help is printed instead of running it, exit 0. */
export class HelpRequested extends Error {
  constructor(readonly spec: CommandSpec<ParseArgsOptionsConfig>) {
    super(`help for ${spec.name}`)
  }
}

/** The `code` of a Node.js error (`ENOENT`, `ERR_PARSE_ARGS_...`), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

/** An error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  /** The command as the usage text writes it, without `stacklab`: `lab create`. */
  name: string
  /** Its positional arguments in order; `[NAME]` is optional (optional ones come last). */
  positionals?: readonly string[]
  options?: O
  /** The usage line without `stacklab`, when it is not the one made from the name, arguments and options. */
  usage?: string
  /** What it does, in lines (the overall help indents them under the usage line). */
  help?: readonly string[]
}

export type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>
>['values']

/** An argument shown back in a message: printable, and not the whole of something long. */
export function shownArgument(arg: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = arg.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  return JSON.stringify(clean.length > 60 ? `${clean.slice(0, 60)}...` : clean)
}

export function usageOf(spec: CommandSpec<ParseArgsOptionsConfig>): string {
  if (spec.usage) return `stacklab ${spec.usage}`
  const options = Object.entries(spec.options ?? {}).map(([name, o]) =>
    o.type === 'string' ? `[--${name} ${name.toUpperCase()}]` : `[--${name}]`,
  )
  return ['stacklab', spec.name, ...(spec.positionals ?? []), ...options].join(' ')
}

/** `stacklab <command> --help`: the usage line, then what the command does. */
export function helpOf(spec: CommandSpec<ParseArgsOptionsConfig>): string {
  const about = (spec.help ?? []).map((line) => `  ${line}\n`).join('')
  return `Usage: ${usageOf(spec)}\n${about ? `\n${about}` : ''}`
}

/**
 * Parse one command's arguments; throws HelpRequested for `--help` or `-h` (before any `--`, and before the
 * arguments are checked, so `stacklab lab create --help` works), and UsageError for an unknown option, a
 * missing or an extra argument.
 */
export function parseCommand<O extends ParseArgsOptionsConfig = Record<never, never>>(
  args: readonly string[],
  spec: CommandSpec<O>,
): { values: Parsed<O>; positionals: string[] } {
  const end = args.indexOf('--')
  if ((end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h'))
    throw new HelpRequested(spec)
  let parsed: { values: Parsed<O>; positionals: string[] }
  try {
    parsed = parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>({
      args: [...args],
      options: spec.options ?? ({} as O),
      strict: true,
      allowPositionals: true,
    })
  } catch (error) {
    if (!errorCode(error)?.startsWith('ERR_PARSE_ARGS')) throw error
    const message = messageOf(error)
    const unknown = /^Unknown option '([^']*)'/.exec(message)
    throw new UsageError(
      unknown
        ? `unknown option ${shownArgument(unknown[1]!)} for ${spec.name} (usage: ${usageOf(spec)})`
        : `${message} (usage: ${usageOf(spec)})`,
    )
  }
  const names = spec.positionals ?? []
  const required = names.filter((n) => !n.startsWith('['))
  const extra = parsed.positionals[names.length]
  if (extra !== undefined)
    throw new UsageError(
      `unexpected argument ${shownArgument(extra)}: ${spec.name} takes ${
        names.length ? names.join(' ') : 'no arguments'
      } (usage: ${usageOf(spec)})`,
    )
  const missing = required[parsed.positionals.length]
  if (missing !== undefined) throw new UsageError(`${spec.name} needs ${missing} (usage: ${usageOf(spec)})`)
  return parsed
}
