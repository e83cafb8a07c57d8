// Calls on consoles of lab nodes (SSH shell or serial): output arrives as `console.data` events and is
// acknowledged by `console.ack`, so a flood never outruns the terminal that shows it.
import { done, type CallContext, type CallsOf, type Handlers } from './context'

type ConsoleCalls = Pick<Handlers, CallsOf<`console${string}`>>

export function consoleHandlers({ consoles }: CallContext): ConsoleCalls {
  return {
    'console.open': (input) => consoles.open(input),
    'console.write': ({ id, data }) => done(() => consoles.write(id, data)),
    'console.resize': ({ id, cols, rows }) => done(() => consoles.resize(id, cols, rows)),
    'console.ack': ({ id, bytes }) => done(() => consoles.ack(id, bytes)),
    'console.reconnect': ({ id }) => consoles.reconnect(id),
    'console.close': ({ id }) => done(() => consoles.close(id)),
    'consoles.list': () => Promise.resolve(consoles.list()),
  }
}
