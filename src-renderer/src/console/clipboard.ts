// OSC 52 from the programs in a node: they may put text on the clipboard (copy from the guest), but never
// read it. A read request (`ESC ] 52 ; c ; ? BEL`) would otherwise be answered with the host's clipboard,
// typed into the guest's input, where anyone with a shell on the node could collect it.
import { ClipboardAddon, type IClipboardProvider } from '@xterm/addon-clipboard'
import type { IDisposable, Terminal } from '@xterm/xterm'

/** Writes reach the system clipboard; reads see nothing and never touch navigator.clipboard. */
export const writeOnlyClipboard: IClipboardProvider = {
  readText: () => '',
  async writeText(selection, text) {
    if (String(selection) === 'c') await navigator.clipboard?.writeText(text)
  },
}

/** OSC 52's data is `selection;base64` for a write and `selection;?` for a read. */
export function isClipboardRead(data: string): boolean {
  return data.split(';')[1] === '?'
}

/** Guest clipboard writes through the clipboard add-on; read requests are dropped without a reply. */
export function guestClipboard(term: Terminal): IDisposable {
  const addon = new ClipboardAddon(undefined, writeOnlyClipboard)
  term.loadAddon(addon)
  // Handlers registered later run first and a `true` stops the rest: a read ends here, unanswered (the
  // add-on would answer even an empty read).
  const reads = term.parser.registerOscHandler(52, isClipboardRead)
  return {
    dispose() {
      reads.dispose()
      addon.dispose()
    },
  }
}
