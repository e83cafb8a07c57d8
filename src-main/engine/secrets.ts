// Secrets the engine knows about: never passed on a command line, always masked in logs and errors.
const known = new Set<string>()

/** Register a value (a password, a token) so every log line and error text masks it from now on. */
export function registerSecret(value: string): void {
  // Very short values would mask ordinary words; secrets Stacklab makes are long.
  if (value.length >= 4) known.add(value)
}

export function forgetSecret(value: string): void {
  known.delete(value)
}

export function redact(text: string, extra: readonly string[] = []): string {
  let out = text
  for (const secret of [...known, ...extra]) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('***')
  }
  return out
}

/** The first argument that contains a secret, if any: such a command must not start. */
export function secretInArgs(args: readonly string[], extra: readonly string[] = []): number {
  const all = [...known, ...extra].filter((s) => s.length >= 4)
  return args.findIndex((arg) => all.some((s) => arg.includes(s)))
}
