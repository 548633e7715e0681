import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { connectEngine } from './ui/engine';
import { handleMessage } from './ui/routing';
import { startSaveOnLeave } from './ui/runs/leaving';
import { startRunSync } from './ui/runSync';
import './ui/styles.css';
import { restoreFromHash, startHashSync } from './ui/url/hashSync';
import { warmCanvasText } from './ui/views/LineCanvas';

// The run in the URL comes first, so the first dataset loaded and the first run built are the link's.
restoreFromHash();
startHashSync();
startRunSync();
startSaveOnLeave();
connectEngine(handleMessage);
// While the page waits for the GPU and the data: the charts' font, so the first chart is not slow.
(window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200)))(() => warmCanvasText());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
