import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { serviceWorkerPlugin } from './build-plugins/serviceWorkerPlugin';

// Nothing leaves the machine: the same Content-Security-Policy is sent as a header by the
// dev and preview servers and written as a <meta> tag in index.html (for any static host).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'veil-csp-meta',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  plugins: [
    react(),
    contentSecurityPolicyMeta(),
    // Offline once loaded: sw.js precaches every file of the build (see src/sw/serviceWorker.ts).
    serviceWorkerPlugin({ entry: 'src/sw/serviceWorker.ts' }),
  ],
  build: { target: 'es2022', sourcemap: true },
  worker: { format: 'es' },
  server: { headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  preview: {
    port: 4173,
    strictPort: true,
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
});
