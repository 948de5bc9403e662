import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PreviewTestPage } from './PreviewTestPage';

const root = document.getElementById('root');
if (!root) throw new Error('preview test page: #root missing');
createRoot(root).render(
  <StrictMode>
    <PreviewTestPage />
  </StrictMode>,
);
