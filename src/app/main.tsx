import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createVeilStore, VeilStoreProvider } from '../store';
import { App } from '../ui/App';
import { browserDeps } from './deps';
import './registerServiceWorker';

const root = document.getElementById('root');
if (!root) throw new Error('Veil: #root element missing from index.html');
// The browser's stored data opens first (a few ms): the store starts with its key and settings.
const store = createVeilStore(await browserDeps());
createRoot(root).render(
  <StrictMode>
    <VeilStoreProvider store={store}>
      <App />
    </VeilStoreProvider>
  </StrictMode>,
);
