// The Electron host: one secure window over the engine. The renderer is sandboxed, isolated, without Node;
// it reaches the engine only through the preload's `window.stacklab`, and only from the app's own main frame.
// The page comes from the app's own scheme (app://app/, never file://), may use no permission but clipboard
// writes, and quitting stops the engine first.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Engine } from '../engine/engine'
import { ApiError } from '../../src-shared/errors'
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, contentType, resolveAppPath } from './app-scheme'
import { CALL_CHANNEL, EVENT_CHANNEL, PICK_FILE_CHANNEL } from './channels'
import { desktopCsp, permissionAllowed } from './policy'
import { closeBeforeQuit } from './quit'
import { trackJobProgress } from './taskbar'

// Before `ready`, and only once (a second call replaces the first).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }])

const engine = new Engine({ host: 'electron' })
let mainWindow: BrowserWindow | null = null

const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const rendererDir = join(import.meta.dirname, '../renderer')
const devOrigin = devUrl ? new URL(devUrl).origin : undefined

/** True only for the main frame of our window showing our own page. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  if (!mainWindow || !frame || frame !== mainWindow.webContents.mainFrame) return false
  const url = frame.url.split(/[?#]/)[0] ?? ''
  return devOrigin ? new URL(frame.url).origin === devOrigin : url === APP_INDEX_URL
}

/** app://app/...: files of the built renderer only, with the desktop's CSP on every answer. */
async function serveApp(request: Request): Promise<Response> {
  const file = resolveAppPath(rendererDir, request.url)
  const headers = { 'Content-Security-Policy': desktopCsp(), 'X-Content-Type-Options': 'nosniff' }
  if (!file) return new Response('Not found', { status: 404, headers })
  try {
    return new Response(await readFile(file), {
      headers: { ...headers, 'Content-Type': contentType(file) },
    })
  } catch {
    return new Response('Not found', { status: 404, headers })
  }
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Stacklab',
    show: false,
    backgroundColor: '#0f1720',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => (mainWindow = null))
  void mainWindow.loadURL(devUrl ?? APP_INDEX_URL)
}

app.on('web-contents-created', (_event, contents) => {
  // No new windows; links to the web open in the user's browser instead.
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, input: unknown) => {
  if (!trustedSender(event)) {
    engine.logger.log('warn', 'ipc: refused a call from an untrusted frame', { url: event.senderFrame?.url })
    return {
      ok: false,
      error: { code: 'unauthorized', message: 'Calls are accepted only from the Stacklab window' },
    }
  }
  try {
    // The window's calls are the desktop's: paths in a connection URI must be Stacklab's or picked below.
    return { ok: true, value: await engine.call(method, input, { origin: 'desktop' }) }
  } catch (error) {
    const e = error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) })
    return { ok: false, error: e.toJSON() }
  }
})

// A file for a connection URI (an SSH key, a known_hosts file), chosen by the user in a native dialog: the
// renderer may be driven by hostile console output, so only a path picked here counts as the user's choice.
ipcMain.handle(PICK_FILE_CHANNEL, async (event) => {
  if (!trustedSender(event) || !mainWindow) return null
  const picked = await dialog.showOpenDialog(mainWindow, { properties: ['openFile', 'showHiddenFiles'] })
  const path = picked.canceled ? undefined : picked.filePaths[0]
  if (!path) return null
  try {
    engine.trustPickedPath(path)
  } catch (error) {
    engine.logger.log('warn', 'picked file refused', { error: (error as Error).message })
    return null
  }
  return path
})

engine.bus.onAny((name, payload) => mainWindow?.webContents.send(EVENT_CHANNEL, name, payload))
// Long work shows on the taskbar (Windows, Linux docks that support it) or the dock icon (macOS).
trackJobProgress(engine.bus, (fraction) => mainWindow?.setProgressBar(fraction))

void app.whenReady().then(() => {
  void engine.libvirt() // live libvirt events for the window
  protocol.handle(APP_SCHEME, serveApp)
  const ses = session.defaultSession
  // Both asked-for and checked permissions: a check (navigator.permissions.query, some APIs) never asks.
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl, devOrigin)),
  )
  ses.setPermissionCheckHandler((_wc, permission, origin) => permissionAllowed(permission, origin, devOrigin))
  // The dev server's pages (and anything else loaded over http) get the same policy as app://.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [desktopCsp()] },
    })
  })
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

// The engine's event streams, console sessions and their processes end before the app does.
app.on(
  'before-quit',
  closeBeforeQuit(
    () => engine.close(),
    () => app.quit(),
    {
      onError: (error) => engine.logger.log('warn', 'engine did not close cleanly', { error: String(error) }),
    },
  ),
)

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
