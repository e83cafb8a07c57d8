// Renderer entry: connect to the engine (whichever host carries it), then draw the app.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { connect } from './api/client'
import { attach } from './store'
import { watchJobs } from './state/attention'
import './styles.css'

const connection = connect()
void attach(connection.api, (listener) => connection.onState(listener))
watchJobs()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
