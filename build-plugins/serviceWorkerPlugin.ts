import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import type { Plugin, ResolvedConfig } from 'vite';
import { precacheManifest, type BuildFile, type PrecacheManifest } from './precacheManifest';

export interface ServiceWorkerPluginOptions {
  /** The service worker's TypeScript source, relative to Vite's root. */
  readonly entry: string;
  /** Its name in the output folder (it controls the folder it sits in). Default `sw.js`. */
  readonly fileName?: string;
}

/**
 * Emits the service worker into a production build, compiled with esbuild from `entry` with two
 * constants defined: `__VEIL_PRECACHE__`, every file the build writes (the bundle: chunks, worker
 * scripts, wasm, CSS, index.html; and the public folder: icons, manifest), and
 * `__VEIL_CACHE_VERSION__`, a hash of those files' bytes. Any change to any file changes the version
 * and so the bytes of sw.js, which is how the browser notices an update.
 *
 * It runs last in generateBundle, once index.html and the worker bundles are in the bundle. The
 * public folder is not part of the bundle (Vite copies it on its own), so it is read from disk.
 */
export function serviceWorkerPlugin(options: ServiceWorkerPluginOptions): Plugin {
  const fileName = options.fileName ?? 'sw.js';
  let config: ResolvedConfig | undefined;
  return {
    name: 'veil-service-worker',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    generateBundle: {
      order: 'post',
      async handler(_output, bundle) {
        if (!config || config.build.ssr) return;
        if (bundle[fileName]) this.error(`${fileName} is already in the bundle`);
        const files = new Map<string, BuildFile['bytes']>();
        if (config.publicDir && config.build.copyPublicDir) {
          for (const file of await listFiles(config.publicDir)) {
            files.set(file.fileName, file.bytes);
          }
        }
        // A bundle file wins over a public one of the same name, as in the written output.
        for (const output of Object.values(bundle)) {
          files.set(output.fileName, output.type === 'chunk' ? output.code : output.source);
        }
        const manifest = precacheManifest(
          [...files].map(([name, bytes]) => ({ fileName: name, bytes })),
          fileName,
        );
        const entry = resolve(config.root, options.entry);
        this.emitFile({
          type: 'asset',
          fileName,
          source: await compileServiceWorker(entry, manifest, options.entry),
        });
      },
    },
  };
}

export async function compileServiceWorker(
  entry: string,
  manifest: PrecacheManifest,
  /** How the banner names the source (a path relative to the root keeps the output reproducible). */
  label = entry,
): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    // A classic script: module service workers cannot importScripts and gain nothing here.
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
    define: {
      __VEIL_PRECACHE__: JSON.stringify(manifest.files),
      __VEIL_CACHE_VERSION__: JSON.stringify(manifest.version),
    },
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return `// Veil service worker ${manifest.version}: generated at build time from ${label}.\n${code}`;
}

/** Every file under `dir`, with '/'-separated paths relative to it. */
async function listFiles(dir: string): Promise<BuildFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      return { fileName: relative(dir, path).split(sep).join('/'), bytes: await readFile(path) };
    }),
  );
}
