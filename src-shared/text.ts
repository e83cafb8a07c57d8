// Text that came from a tool, a guest or a file, made safe to parse or to show: terminal escape sequences
// and control characters taken out, made visible, or found. Pure (the renderer uses it too).

/** CSI (colours, cursor), OSC (titles) and two-byte escapes; what stays is the text a terminal shows. */
// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g
/** C0 control characters and DEL, except tab, newline and carriage return. */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g

/** The text a terminal would show: escape sequences and control characters (but tab, \n and \r) removed. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '')
}

/** Does the text hold a C0 control character or DEL, line breaks and tabs included? */
export function hasControl(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(text)
}

/**
 * Text from outside, shown in a message or on a terminal: every C0 and C1 control character (escape sequences
 * start with one) becomes `?`, so nothing of it acts on the terminal. With `keepLines`, tabs and newlines stay.
 */
export function printable(text: string, options: { keepLines?: boolean } = {}): string {
  return options.keepLines
    ? // eslint-disable-next-line no-control-regex
      text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?')
    : // eslint-disable-next-line no-control-regex
      text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}

/** `{name}` placeholders filled from params; an unknown name stays as written. */
export function fillPlaceholders(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  )
}
