// What the CLI reads from files and standard input, refused before it is used when it cannot be: lab and
// node files (size, UTF-8, plain YAML) and packstack output (size, text not binary).
import { constants as fsConstants, createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { MAX_INPUT_BYTES } from '../../src-shared/api'
import { ApiError } from '../../src-shared/errors'
import type { PackstackReport } from '../../src-shared/packstack'
import {
  MAX_LAB_FILE_BYTES,
  MAX_LAB_FILE_TEXT,
  YamlRefused,
  describeProblem,
  parseUserYaml,
} from '../../src-shared/user-yaml'
import type { Engine } from '../engine/engine'
import { PackstackParser } from '../engine/packstack/parse'
import { InputError, UsageError, errorCode, messageOf } from './args'

/**
 * A lab file (or node file) as data: its size checked before it is read (at most 1 MiB), then parsed as
 * plain YAML (src-shared/user-yaml.ts refuses merge keys, anchors and aliases, tags, several documents).
 */
export async function readYaml(file: string): Promise<unknown> {
  const cannot = (e: unknown) =>
    new InputError(`cannot read ${file}: ${errorCode(e) === 'ENOENT' ? 'no such file' : messageOf(e)}`)
  // Non-blocking, so a FIFO (or a device) is found not to be a file instead of waiting for a writer.
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK).catch((e: unknown) => {
    throw cannot(e)
  })
  let text: string
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new InputError(`cannot read ${file}: not a file`)
    if (info.size > MAX_LAB_FILE_BYTES)
      throw new ApiError({
        code: 'bad-request',
        message: `${file} is ${info.size} bytes; a lab file may be at most ${MAX_LAB_FILE_TEXT} (${MAX_LAB_FILE_BYTES} bytes): it was not read`,
      })
    // Read at most one byte past the limit: a file that grew since stat is still refused, not read whole.
    const buffer = Buffer.alloc(MAX_LAB_FILE_BYTES + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (!bytesRead) break
      length += bytesRead
    }
    if (length > MAX_LAB_FILE_BYTES)
      throw new ApiError({
        code: 'bad-request',
        message: `${file} is more than ${MAX_LAB_FILE_TEXT}; a lab file may be at most ${MAX_LAB_FILE_TEXT}`,
      })
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length))
  } catch (error) {
    if (errorCode(error) === 'ERR_ENCODING_INVALID_ENCODED_DATA')
      throw new ApiError({ code: 'bad-request', message: `${file} is not UTF-8 text, so not a lab file` })
    if (error instanceof InputError || error instanceof ApiError) throw error
    throw cannot(error)
  } finally {
    await handle.close()
  }
  try {
    return parseUserYaml(text)
  } catch (error) {
    if (!(error instanceof YamlRefused)) throw error
    const [only] = error.problems
    if (error.problems.length === 1 && only?.path === '(file)')
      throw new ApiError({ code: 'bad-request', message: `${file}: ${describeProblem(only)}` })
    throw new ApiError({
      code: 'bad-request',
      message: `${file} cannot be read as a lab definition:`,
      issues: error.problems.map((p) => ({
        path: `${p.path}${p.line ? ` (line ${p.line})` : ''}`,
        message: p.message,
      })),
    })
  }
}

/** The most `packstack explain` reads: far more than any console capture or openstack-setup.log. */
const EXPLAIN_LIMIT_BYTES = 100 * 1024 * 1024
const EXPLAIN_LIMIT_TEXT = '100 MiB'
/** How much of the input is looked at for text that is not UTF-8. */
const SAMPLE_BYTES = 64 * 1024

/**
 * Is the input text at all? A NUL byte anywhere, or more than 5% of the first 64 KiB not UTF-8, says it is a
 * binary file (a core dump, an image, a compressed log), not packstack's output.
 */
class TextCheck {
  private readonly decoder = new TextDecoder('utf-8')
  private sampled = 0
  private chars = 0
  private invalid = 0
  constructor(private readonly name: string) {}
  feed(chunk: Buffer): void {
    if (chunk.includes(0)) throw this.binary()
    if (this.sampled >= SAMPLE_BYTES) return
    const part = chunk.subarray(0, SAMPLE_BYTES - this.sampled)
    this.sampled += part.length
    this.count(this.decoder.decode(part, { stream: this.sampled < SAMPLE_BYTES }))
  }
  end(): void {
    if (this.sampled < SAMPLE_BYTES) this.count(this.decoder.decode())
    if (this.chars && this.invalid / this.chars > 0.05) throw this.binary()
  }
  private count(text: string): void {
    this.chars += text.length
    for (const c of text) if (c === '\ufffd') this.invalid++
  }
  private binary(): InputError {
    return new InputError(`${this.name}: binary input, not packstack output`)
  }
}

/**
 * Read packstack output from a file or standard input (`-`): refused when it is over the limit or binary;
 * through the engine when it fits a call, streamed through the same parser here when it does not.
 */
export async function explainInput(engine: Engine, source: string): Promise<PackstackReport> {
  const name = source === '-' ? 'standard input' : source
  const tooBig = () =>
    new InputError(
      `${name} is more than ${EXPLAIN_LIMIT_TEXT}; packstack explain reads at most ${EXPLAIN_LIMIT_TEXT} (${EXPLAIN_LIMIT_BYTES} bytes)`,
    )
  let stream: Readable
  if (source === '-') stream = process.stdin
  else {
    const size = await stat(source).then(
      (s) => {
        if (!s.isFile()) throw new InputError(`cannot read ${source}: not a file`)
        return s.size
      },
      (e: NodeJS.ErrnoException) => {
        throw new InputError(`cannot read ${source}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
      },
    )
    if (size > EXPLAIN_LIMIT_BYTES) throw tooBig()
    stream = createReadStream(source)
  }
  const check = new TextCheck(name)
  const head: Buffer[] = []
  let total = 0
  let parser: PackstackParser | null = null
  try {
    for await (const chunk of stream) {
      // Standard input and a file stream without an encoding give Buffers.
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
      total += buffer.length
      if (total > EXPLAIN_LIMIT_BYTES) throw tooBig()
      check.feed(buffer)
      if (parser) parser.feed(buffer)
      else if (total <= MAX_INPUT_BYTES / 4) head.push(buffer)
      else {
        // A long capture (or a whole openstack-setup.log) is more than a call carries: parse it here.
        parser = new PackstackParser()
        for (const h of [...head, buffer]) parser.feed(h)
        head.length = 0
      }
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) throw error
    throw new InputError(`cannot read ${name}: ${messageOf(error)}`)
  } finally {
    stream.destroy()
  }
  check.end()
  if (parser) return parser.end()
  const text = Buffer.concat(head).toString('utf8')
  // Control characters (a terminal capture's colours) grow sixfold as JSON: parse here what a call cannot carry.
  if (Buffer.byteLength(JSON.stringify({ text })) > MAX_INPUT_BYTES) {
    const local = new PackstackParser()
    local.feed(text)
    return local.end()
  }
  return await engine.api.call('packstack.explain', { text })
}

/** Did the input hold any packstack output at all? (An empty report: nothing of packstack's was seen.) */
export function foundPackstackOutput(r: PackstackReport): boolean {
  return (
    r.outcome !== 'incomplete' ||
    r.steps.length > 0 ||
    r.failure !== null ||
    r.errorLines.length > 0 ||
    r.logFile !== null ||
    r.manifestLogs.length > 0 ||
    r.manifestsDir !== null ||
    r.answerFile !== null ||
    r.additionalInfo.length > 0 ||
    r.horizonUrl !== null ||
    r.waitingFor.length > 0 ||
    r.prompts.length > 0 ||
    r.hints.length > 0
  )
}
