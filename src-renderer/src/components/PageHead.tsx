// One header for every page: the title (the heading focus moves to when the page is shown: App.tsx), a
// subtitle under it, and the page's actions on the right; and the short chip that names a libvirt connection.
import type { ReactNode } from 'react'

export function PageHead({
  id,
  title,
  subtitle,
  actions,
}: {
  /** The heading's id; the page's section is labelled by it. */
  id: string
  title: string
  subtitle?: ReactNode
  actions?: ReactNode
}) {
  return (
    <header className="page-head">
      <div className="page-head-text">
        <h1 id={id} tabIndex={-1}>
          {title}
        </h1>
        {subtitle && <div className="page-sub muted">{subtitle}</div>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  )
}

/** A connection URI as people say it: scheme, host and path, without the query (a socket path, options). */
export function shortUri(uri: string): string {
  const cut = uri.indexOf('?')
  return cut < 0 ? uri : uri.slice(0, cut)
}

/** A libvirt connection as a short chip; the whole URI in its tooltip and `data-uri`. */
export function ConnectionChip({ uri, id }: { uri: string; id?: string }) {
  return (
    <code id={id} className="chip" title={uri} data-uri={uri}>
      {shortUri(uri)}
    </code>
  )
}
