// Replaced by scripts/build-cli.mjs with package.json's version; unbundled runs (tests) say 'dev'.
declare const __VEIL_VERSION__: string | undefined;

export const VEIL_VERSION: string =
  typeof __VEIL_VERSION__ === 'string' ? __VEIL_VERSION__ : '0.0.0-dev';
