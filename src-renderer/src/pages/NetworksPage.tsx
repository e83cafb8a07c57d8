// Networks: every libvirt network of the connection, and for the one selected its DHCP range, static hosts
// (fixed addresses by MAC), current leases, start/stop and autostart. Inputs are checked with the engine's
// own schemas before anything is sent; the engine's refusals are shown on the field they name.
import { useEffect, useState } from 'react'
import { inSubnet, parseCidr, parseIpv4 } from '../../../src-shared/ipv4'
import type { ApiError } from '../../../src-shared/errors'
import { issuesOf } from '../../../src-shared/errors'
import { NetworkDhcpInput, NetworkHostInput, type Lease, type NetworkInfo } from '../../../src-shared/libvirt'
import { useT, type MessageKey } from '../i18n'
import { useStore } from '../store'
import { ProblemNote, RawXmlDialog } from '../components/objects'

type Errors = Record<string, string>
type T = ReturnType<typeof useT>

const macId = (mac: string) => mac.replace(/:/g, '-')

/** Field errors from a zod failure or an engine refusal; `strip` drops the input's prefix (range., host.). */
function fieldErrors(issues: { path: string; message: string }[], strip: string): Errors {
  const out: Errors = {}
  for (const i of issues) {
    const field = i.path.startsWith(strip) ? i.path.slice(strip.length) : i.path
    out[field] = out[field] ? `${out[field]}; ${i.message}` : i.message
  }
  return out
}

const INVALID: Record<string, MessageKey> = {
  start: 'networks.invalid.ip',
  end: 'networks.invalid.ip',
  ip: 'networks.invalid.ip',
  mac: 'networks.invalid.mac',
  name: 'networks.invalid.hostname',
}

/** Field errors of the page's own check (shared schema), in the reader's language where the field is known. */
function clientErrors(issues: { path: string; message: string }[], strip: string, t: T): Errors {
  const out = fieldErrors(issues, strip)
  for (const field of Object.keys(out)) if (INVALID[field]) out[field] = t(INVALID[field])
  return out
}

/** An address of the network's own subnet (the schema checks the form; this the place). */
function subnetIssue(net: NetworkInfo, ip: string, t: T): string | null {
  const subnet = net.subnet ? parseCidr(net.subnet) : null
  const addr = parseIpv4(ip)
  if (!subnet || addr === null) return null
  return inSubnet(subnet, addr) ? null : t('networks.outside', { ip, subnet: net.subnet ?? '' })
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null
  return (
    <p id={id} className="field-error" role="alert">
      {text}
    </p>
  )
}

function EngineError({ id, error, t }: { id: string; error: ApiError | null; t: T }) {
  if (!error) return null
  return (
    <div id={id} className="banner fail" role="alert">
      {error.issues?.length
        ? error.issues.map((i) => (
            <div key={i.path + i.message}>
              <strong>{t('networks.field', { field: i.path })}</strong> {i.message}
            </div>
          ))
        : error.message}
    </div>
  )
}

function DhcpEditor({ net, t }: { net: NetworkInfo; t: T }) {
  const networkCall = useStore((s) => s.networkCall)
  const current = net.dhcpRanges[0]
  const [start, setStart] = useState(current?.start ?? '')
  const [end, setEnd] = useState(current?.end ?? '')
  const [errors, setErrors] = useState<Errors>({})
  const [engineError, setEngineError] = useState<ApiError | null>(null)
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async (clear: boolean) => {
    setStatus('')
    setEngineError(null)
    const input = { name: net.name, range: clear ? null : { start: start.trim(), end: end.trim() } }
    const parsed = NetworkDhcpInput.safeParse(input)
    const found = parsed.success ? {} : clientErrors(issuesOf(parsed.error), 'range.', t)
    if (!clear && parsed.success) {
      for (const [field, ip] of [
        ['start', input.range!.start],
        ['end', input.range!.end],
      ] as const) {
        const issue = subnetIssue(net, ip, t)
        if (issue) found[field] = issue
      }
    }
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    const error = await networkCall('network.setDhcpRange', input)
    setBusy(false)
    if (error) {
      setErrors(fieldErrors(error.issues ?? [], 'range.'))
      setEngineError(error)
    } else setStatus(clear ? t('networks.dhcp.cleared') : t('networks.saved'))
  }

  return (
    <form
      className="card form-inline"
      aria-labelledby="network-dhcp-heading"
      onSubmit={(e) => {
        e.preventDefault()
        void submit(false)
      }}
    >
      <h3 id="network-dhcp-heading">{t('networks.dhcp.title')}</h3>
      <p className="muted">
        {t('networks.dhcp.current')}{' '}
        <code id="network-dhcp-current">
          {net.dhcpRanges.map((r) => `${r.start} – ${r.end}`).join(', ') || t('networks.dhcp.none')}
        </code>
      </p>
      <div className="row">
        <div className="field">
          <label htmlFor="network-dhcp-start">{t('networks.dhcp.start')}</label>
          <input
            id="network-dhcp-start"
            value={start}
            spellCheck={false}
            placeholder="192.168.122.2"
            aria-invalid={Boolean(errors['start'])}
            aria-describedby="network-dhcp-start-error"
            onChange={(e) => setStart(e.target.value)}
          />
          <FieldError id="network-dhcp-start-error" text={errors['start']} />
        </div>
        <div className="field">
          <label htmlFor="network-dhcp-end">{t('networks.dhcp.end')}</label>
          <input
            id="network-dhcp-end"
            value={end}
            spellCheck={false}
            placeholder="192.168.122.254"
            aria-invalid={Boolean(errors['end'])}
            aria-describedby="network-dhcp-end-error"
            onChange={(e) => setEnd(e.target.value)}
          />
          <FieldError id="network-dhcp-end-error" text={errors['end']} />
        </div>
      </div>
      <FieldError id="network-dhcp-error" text={errors['range'] ?? errors['name']} />
      <EngineError id="network-dhcp-engine-error" error={engineError} t={t} />
      <div className="form-actions">
        <button id="network-dhcp-save" className="primary" type="submit" disabled={busy}>
          {t('networks.dhcp.save')}
        </button>
        <button
          id="network-dhcp-clear"
          type="button"
          disabled={busy || net.dhcpRanges.length === 0}
          onClick={() => void submit(true)}
        >
          {t('networks.dhcp.clear')}
        </button>
        <span id="network-dhcp-status" role="status">
          {status}
        </span>
      </div>
    </form>
  )
}

function StaticHosts({ net, t }: { net: NetworkInfo; t: T }) {
  const networkCall = useStore((s) => s.networkCall)
  const [mac, setMac] = useState('')
  const [ip, setIp] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [engineError, setEngineError] = useState<ApiError | null>(null)
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)

  const add = async () => {
    setStatus('')
    setEngineError(null)
    const input = {
      name: net.name,
      host: { mac: mac.trim().toLowerCase(), ip: ip.trim(), name: name.trim() },
    }
    const parsed = NetworkHostInput.safeParse(input)
    const found = parsed.success ? {} : clientErrors(issuesOf(parsed.error), 'host.', t)
    if (parsed.success) {
      const issue = subnetIssue(net, input.host.ip, t)
      if (issue) found['ip'] = issue
    }
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    const error = await networkCall('network.addStaticHost', input)
    setBusy(false)
    if (error) {
      setErrors(fieldErrors(error.issues ?? [], 'host.'))
      setEngineError(error)
    } else {
      setStatus(t('networks.hosts.added', { name: input.host.name }))
      setMac('')
      setIp('')
      setName('')
    }
  }
  const remove = async (hostMac: string) => {
    setStatus('')
    setEngineError(null)
    setBusy(true)
    const error = await networkCall('network.removeStaticHost', { name: net.name, mac: hostMac })
    setBusy(false)
    if (error) setEngineError(error)
    else setStatus(t('networks.hosts.removed', { mac: hostMac }))
  }

  return (
    <section className="card" aria-labelledby="network-hosts-heading">
      <h3 id="network-hosts-heading">{t('networks.hosts.title')}</h3>
      <p className="muted">{t('networks.hosts.help')}</p>
      {net.staticHosts.length === 0 ? (
        <p id="network-hosts-empty" className="muted">
          {t('networks.hosts.none')}
        </p>
      ) : (
        <table id="network-hosts" className="table">
          <thead>
            <tr>
              <th>{t('networks.hosts.name')}</th>
              <th>{t('networks.hosts.mac')}</th>
              <th>{t('networks.hosts.ip')}</th>
              <th>
                <span className="sr-only">{t('networks.hosts.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {net.staticHosts.map((h) => (
              <tr key={h.mac} id={`static-host-${macId(h.mac)}`}>
                <td>{h.name ?? '—'}</td>
                <td className="mono">{h.mac}</td>
                <td className="mono">{h.ip}</td>
                <td>
                  <button
                    id={`static-host-${macId(h.mac)}-remove`}
                    className="small"
                    disabled={busy}
                    aria-label={t('networks.hosts.removeLabel', { name: h.name ?? h.mac })}
                    onClick={() => void remove(h.mac)}
                  >
                    {t('networks.hosts.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="form-inline"
        aria-label={t('networks.hosts.addTitle')}
        onSubmit={(e) => {
          e.preventDefault()
          void add()
        }}
      >
        <div className="row">
          <div className="field">
            <label htmlFor="network-host-name">{t('networks.hosts.name')}</label>
            <input
              id="network-host-name"
              value={name}
              spellCheck={false}
              placeholder="compute1"
              aria-invalid={Boolean(errors['name'])}
              aria-describedby="network-host-name-error"
              onChange={(e) => setName(e.target.value)}
            />
            <FieldError id="network-host-name-error" text={errors['name']} />
          </div>
          <div className="field">
            <label htmlFor="network-host-mac">{t('networks.hosts.mac')}</label>
            <input
              id="network-host-mac"
              value={mac}
              spellCheck={false}
              placeholder="52:54:00:12:34:56"
              aria-invalid={Boolean(errors['mac'])}
              aria-describedby="network-host-mac-error"
              onChange={(e) => setMac(e.target.value)}
            />
            <FieldError id="network-host-mac-error" text={errors['mac']} />
          </div>
          <div className="field">
            <label htmlFor="network-host-ip">{t('networks.hosts.ip')}</label>
            <input
              id="network-host-ip"
              value={ip}
              spellCheck={false}
              placeholder="192.168.122.20"
              aria-invalid={Boolean(errors['ip'])}
              aria-describedby="network-host-ip-error"
              onChange={(e) => setIp(e.target.value)}
            />
            <FieldError id="network-host-ip-error" text={errors['ip']} />
          </div>
        </div>
        <EngineError id="network-hosts-engine-error" error={engineError} t={t} />
        <div className="form-actions">
          <button id="network-host-add" className="primary" type="submit" disabled={busy}>
            {t('networks.hosts.add')}
          </button>
          <span id="network-hosts-status" role="status">
            {status}
          </span>
        </div>
      </form>
    </section>
  )
}

function Leases({ net, t }: { net: NetworkInfo; t: T }) {
  const call = useStore((s) => s.call)
  const [state, setState] = useState<
    | { kind: 'loading' }
    | { kind: 'ok'; supported: boolean; leases: Lease[] }
    | { kind: 'error'; message: string }
  >({ kind: 'loading' })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    call('network.leases', { name: net.name }).then(
      (r) => live && setState({ kind: 'ok', ...r }),
      (e: Error) => live && setState({ kind: 'error', message: e.message }),
    )
    return () => {
      live = false
    }
  }, [call, net.name, net.active, tick])
  return (
    <section className="card" aria-labelledby="network-leases-heading">
      <div className="card-head">
        <h3 id="network-leases-heading">{t('networks.leases.title')}</h3>
        <button id="network-leases-refresh" className="small" onClick={() => setTick((n) => n + 1)}>
          {t('networks.leases.refresh')}
        </button>
      </div>
      <div
        id="network-leases"
        data-state={state.kind === 'ok' ? (state.supported ? 'ok' : 'unsupported') : state.kind}
      >
        {state.kind === 'loading' && <p className="muted">{t('networks.leases.loading')}</p>}
        {state.kind === 'error' && (
          <p className="banner fail" role="alert">
            {state.message}
          </p>
        )}
        {state.kind === 'ok' && !state.supported && (
          <p id="network-leases-unsupported" className="muted">
            {t('networks.leases.unsupported')}
          </p>
        )}
        {state.kind === 'ok' && state.supported && state.leases.length === 0 && (
          <p className="muted">{t('networks.leases.none')}</p>
        )}
        {state.kind === 'ok' && state.supported && state.leases.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>{t('networks.hosts.name')}</th>
                <th>{t('networks.hosts.mac')}</th>
                <th>{t('networks.hosts.ip')}</th>
                <th>{t('networks.leases.expires')}</th>
              </tr>
            </thead>
            <tbody>
              {state.leases.map((l) => (
                <tr key={l.mac + l.ip}>
                  <td>{l.hostname ?? '—'}</td>
                  <td className="mono">{l.mac}</td>
                  <td className="mono">{l.ip}</td>
                  <td>{l.expires ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  )
}

function NetworkEditor({ net, t }: { net: NetworkInfo; t: T }) {
  const networkCall = useStore((s) => s.networkCall)
  const call = useStore((s) => s.call)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const [rawXml, setRawXml] = useState(false)
  const act = async (fn: () => Promise<ApiError | null>) => {
    setBusy(true)
    setError(null)
    setError(await fn())
    setBusy(false)
  }
  return (
    <div id="network-editor" className="network-editor" data-name={net.name}>
      <header className="card-head">
        <div>
          <h2 id="network-editor-title">{net.name}</h2>
          <p className="muted">
            {t(
              net.mode === 'nat' || net.mode === 'isolated'
                ? `network.mode.${net.mode}`
                : 'network.mode.other',
            )}{' '}
            · <span className="mono">{net.ipv4.map((b) => b.subnet ?? b.address).join(', ') || '—'}</span> ·{' '}
            {t('details.gateway')} <span className="mono">{net.gateway ?? '—'}</span> · {t('details.bridge')}{' '}
            <span className="mono">{net.bridge ?? '—'}</span>
          </p>
        </div>
        <div className="details-actions">
          <span id="network-state" className={`state-pill ${net.active ? 'state-running' : 'state-shutoff'}`}>
            {net.active ? t('network.active') : t('network.inactive')}
          </span>
          {net.active ? (
            <button
              id="network-stop"
              disabled={busy}
              onClick={() => void act(() => networkCall('network.stop', { name: net.name }))}
            >
              {t('networks.stop')}
            </button>
          ) : (
            <button
              id="network-start"
              className="primary"
              disabled={busy}
              onClick={() => void act(() => networkCall('network.start', { name: net.name }))}
            >
              {t('networks.start')}
            </button>
          )}
          <label className="checkbox">
            <input
              id="network-autostart"
              type="checkbox"
              checked={net.autostart}
              disabled={busy || !net.persistent}
              onChange={(e) =>
                void act(() =>
                  networkCall('network.setAutostart', { name: net.name, enabled: e.target.checked }),
                )
              }
            />{' '}
            {t('networks.autostart')}
          </label>
          <button id="network-raw-xml" onClick={() => setRawXml(true)}>
            {t('obj.rawXml')}
          </button>
        </div>
      </header>
      {net.problem && (
        <ProblemNote id="network-problem" problem={net.problem} t={t} onRawXml={() => setRawXml(true)} />
      )}
      {rawXml && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: net.name })}
          load={() => call('network.xml', { uuid: net.uuid })}
          onClose={() => setRawXml(false)}
        />
      )}
      <EngineError id="network-error" error={error} t={t} />
      {!net.problem && (
        <>
          {/* A fresh form whenever the engine's range changes, so the fields start from it. */}
          <DhcpEditor key={JSON.stringify(net.dhcpRanges)} net={net} t={t} />
          <StaticHosts net={net} t={t} />
          <Leases net={net} t={t} />
        </>
      )}
    </div>
  )
}

export function NetworksPage() {
  const t = useT()
  const networks = useStore((s) => s.libvirt.networks)
  const loaded = useStore((s) => s.libvirt.loaded)
  const selection = useStore((s) => s.selection)
  const select = useStore((s) => s.select)
  const list = Object.values(networks).sort((a, b) => a.name.localeCompare(b.name))
  const chosen =
    (selection?.kind === 'network' ? networks[selection.name] : undefined) ?? list[0] ?? undefined
  return (
    <section aria-labelledby="networks-heading">
      <header className="page-head">
        <div>
          <h1 id="networks-heading">{t('networks.title')}</h1>
          <p className="muted">{t('networks.subtitle')}</p>
        </div>
      </header>
      {!loaded && <p className="muted">{t('topology.loading')}</p>}
      {loaded && list.length === 0 && <p className="muted">{t('networks.empty')}</p>}
      <div className="networks-layout">
        <ul className="network-list" aria-label={t('networks.listLabel')}>
          {list.map((n) => (
            <li key={n.name}>
              <button
                id={`network-row-${n.name}`}
                className={chosen?.name === n.name ? 'network-item active' : 'network-item'}
                aria-current={chosen?.name === n.name ? 'true' : undefined}
                onClick={() => select({ kind: 'network', name: n.name })}
              >
                <span className="topo-title">{n.name}</span>
                {n.problem ? (
                  <span className="problem-pill">⚠ {t('obj.problem')}</span>
                ) : (
                  <span className="muted mono">{n.subnet ?? '—'}</span>
                )}
                <span className={`state-pill ${n.active ? 'state-running' : 'state-shutoff'}`}>
                  {n.active ? t('network.active') : t('network.inactive')}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {chosen && <NetworkEditor key={chosen.name} net={chosen} t={t} />}
      </div>
    </section>
  )
}
