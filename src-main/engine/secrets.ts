// Secrets, in two kinds. Stacklab's own (passwords it generates or sets, tokens, private keys): never on a
// command line, masked in every log line and error. Values a guest reported (a node's OS_PASSWORD in
// keystonerc_admin, which may be an ordinary word like `stack` or `qemu`): masked in text that came from
// that guest (remote command output turned into an error, a status problem, packstack's lines), never
// anywhere else and never a reason to refuse a command, so `virsh --connect qemu:///system` still runs and
// its log line still reads `qemu:///system`. A command is refused only for one of Stacklab's own secrets as
// a whole value; in logs and errors those are masked wherever they occur (they are long random strings, so
// a match is never an accident, and a secret glued to other text must not leak either).
const own = new Set<string>()
const guest = new Set<string>()

/** Very short values would only ever match by accident; Stacklab's own are long random strings. */
const MIN_LENGTH = 4

/** Register one of Stacklab's own secrets: refused in argv, masked in every log line and error from now on. */
export function registerSecret(value: string): void {
  if (value.length >= MIN_LENGTH) own.add(value)
}

/**
 * Register a value a guest reported (its admin password): masked by `maskGuest` in text that carries the
 * guest's output. It never blocks a command.
 */
export function registerGuestSecret(value: string): void {
  if (value.length > 0) guest.add(value)
}

export function forgetSecret(value: string): void {
  own.delete(value)
  guest.delete(value)
}

const isAlnum = (c: string | undefined) =>
  c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))

/**
 * Where `secret` occurs in `text` as a whole value: not preceded or followed by a letter or digit (so
 * `--password=S`, `password:S`, `'S'` and `S` alone count; `S` inside a longer word does not). indexOf
 * only: linear in the text.
 */
function wholeOccurrences(text: string, secret: string): number[] {
  const at: number[] = []
  for (let i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + 1)) {
    const before = isAlnum(text[i - 1]) && isAlnum(secret[0])
    const after = isAlnum(text[i + secret.length]) && isAlnum(secret[secret.length - 1])
    if (!before && !after) {
      at.push(i)
      i += secret.length - 1
    }
  }
  return at
}

/** Mask Stacklab's own secrets (and `extra`, a caller's own) in a log line or error text, wherever they occur. */
export function redact(text: string, extra: readonly string[] = []): string {
  let out = text
  for (const secret of [...own, ...extra])
    if (secret.length >= MIN_LENGTH && out.includes(secret)) out = out.split(secret).join('***')
  return out
}

/**
 * Mask guest-reported values in text that came from a guest. Only whole tokens are masked: a token ends at
 * white space, quotes, `=`, `,`, `;` and brackets, and a trailing `.`, `:`, `!` or `?` does not count, so
 * `OS_PASSWORD=stack`, `password: 'stack'` and `is stack.` are masked while `stacklab`, `qemu-kvm` and
 * `qemu:///system` are left as they are. Stacklab's own secrets are masked too.
 */
export function maskGuest(text: string): string {
  const clean = redact(text)
  if (!guest.size) return clean
  return clean.replace(/[^\s'"`=,;()[\]{}<>]+/g, (token) => {
    let end = token.length
    while (end > 0 && '.:!?'.includes(token[end - 1]!)) end--
    return guest.has(token.slice(0, end)) ? `***${token.slice(end)}` : token
  })
}

/**
 * The first argument that carries one of Stacklab's own secrets (or `extra`) as a whole value, if any: such
 * a command must not start. Guest-reported values are not looked for: they are not Stacklab's to guard, and
 * an ordinary word must not block `virsh --connect qemu:///system`.
 */
export function secretInArgs(args: readonly string[], extra: readonly string[] = []): number {
  const all = [...own, ...extra].filter((s) => s.length >= MIN_LENGTH)
  return args.findIndex((arg) => all.some((s) => arg.includes(s) && wholeOccurrences(arg, s).length > 0))
}
