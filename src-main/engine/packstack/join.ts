// The answer file for adding a compute host to an installed cloud (RDO's "Adding a compute node"): the new
// host's address appended to CONFIG_COMPUTE_HOSTS and every server already configured listed in
// EXCLUDE_SERVERS, so the second packstack run configures the new host only and leaves the others alone.
// Every other line of the file is kept byte for byte (the editor in answers.ts changes only those values).
import { ApiError } from '../../../src-shared/errors'
import { parseIpv4 } from '../../../src-shared/ipv4'
import { parseAnswerFile, readRaw, renderAnswerFile, setRaw } from './answers'

export const COMPUTE_HOSTS_KEY = 'CONFIG_COMPUTE_HOSTS'
export const EXCLUDE_SERVERS_KEY = 'EXCLUDE_SERVERS'

const hostList = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

const bad = (message: string) => new ApiError({ code: 'bad-request', message })

/**
 * The answer file `text` changed to join `newHost` as a compute host. `lab` are the addresses of every node
 * of the lab, the new one included; all the others are installed, and go into EXCLUDE_SERVERS (after what
 * the file excluded before). Idempotent: a file already prepared for this join (the host a compute host,
 * every other node excluded) comes back unchanged, so a retry can use the saved file. Refused, before
 * anything changes: an address that is not IPv4, one that is not a node of the lab, one already a compute
 * host of the installed cloud, one the file excludes, a compute host that is not a node of the lab.
 */
export function joinComputeAnswers(text: string, newHost: string, lab: readonly string[]): string {
  if (!parseIpv4(newHost)) throw bad(`${newHost} is not an IPv4 address`)
  if (!lab.includes(newHost)) throw bad(`${newHost} is not the address of a node of the lab`)
  const configured = lab.filter((a) => a !== newHost)
  let doc = parseAnswerFile(text)
  const raw = readRaw(doc)
  if (!raw.has(COMPUTE_HOSTS_KEY)) throw bad(`the answer file has no ${COMPUTE_HOSTS_KEY}`)
  const computes = hostList(raw.get(COMPUTE_HOSTS_KEY))
  const excluded = hostList(raw.get(EXCLUDE_SERVERS_KEY))
  if (excluded.includes(newHost))
    throw bad(`${newHost} is in ${EXCLUDE_SERVERS_KEY}: packstack would skip the host it is meant to add`)
  const stranger = computes.find((h) => h !== newHost && !configured.includes(h))
  if (stranger) throw bad(`${COMPUTE_HOSTS_KEY} lists ${stranger}, which is not an installed node of the lab`)
  const wantExcluded = [...excluded, ...configured.filter((a) => !excluded.includes(a))]
  if (computes.includes(newHost)) {
    // Prepared already (a retry), or the address of an installed compute host: only the first is accepted.
    if (configured.length && configured.every((a) => excluded.includes(a))) return text
    throw bad(`${newHost} is already a compute host in ${COMPUTE_HOSTS_KEY}`)
  }
  doc = setRaw(doc, COMPUTE_HOSTS_KEY, [...computes, newHost].join(','))
  doc = setRaw(doc, EXCLUDE_SERVERS_KEY, wantExcluded.join(','))
  return renderAnswerFile(doc)
}
