/** The preview server the e2e specs talk to (4173, as `npm start`, unless VEIL_E2E_PORT moves it). */
export const APP_PORT = Number(process.env.VEIL_E2E_PORT ?? 4173);
export const APP_ORIGIN = `http://localhost:${APP_PORT}`;
/** A second server some specs start for their own harness page. */
export const HARNESS_PORT = Number(process.env.VEIL_E2E_HARNESS_PORT ?? 4174);
