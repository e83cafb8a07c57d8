// The Electron host: one secure window over the engine. The renderer is sandboxed, isolated, without Node;
// it reaches the engine only through the preload's `window.stacklab`, and only from the app's own main frame.
import { app, BrowserWindow, dialog, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Engine } from '../engine/engine'
import { ApiError } from '../../src-shared/errors'
import { CALL_CHANNEL, EVENT_CHANNEL, PICK_FILE_CHANNEL } from './channels'

const engine = new Engine({ host: 'electron' })
let mainWindow: BrowserWindow | null = null

const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const indexFile = join(import.meta.dirname, '../renderer/index.html')
const appOrigin = devUrl ? new URL(devUrl).origin : null
const appFileUrl = pathToFileURL(indexFile).href

/** True only for the main frame of our window showing our own page. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  if (!mainWindow || !frame || frame !== mainWindow.webContents.mainFrame) return false
  const url = frame.url.split(/[?#]/)[0] ?? ''
  return appOrigin ? new URL(frame.url).origin === appOrigin : url === appFileUrl
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
  if (devUrl) void mainWindow.loadURL(devUrl)
  else void mainWindow.loadFile(indexFile)
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

void app.whenReady().then(() => {
  void engine.libvirt() // live libvirt events for the window
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    })
  })
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
