import * as namespace from 'dicom-parser';

/**
 * dicom-parser ships one UMD bundle. Bundlers (Vite, esbuild, Vitest) expose its exports as named
 * exports; Node's own ESM loader (tsx, Playwright's TypeScript) sees only `default`. This takes
 * whichever holds the functions, so core reads files the same way under every runtime.
 */
type DicomParserModule = typeof namespace;
const withDefault = namespace as DicomParserModule & { default?: DicomParserModule };

export const dicomParser: DicomParserModule =
  typeof withDefault.parseDicom === 'function' ? withDefault : (withDefault.default ?? withDefault);
