import type { VeilState } from '../state';

/**
 * Why nothing may run yet, or null: this browser keeps no audit trail and the person has not
 * acknowledged going on without one.
 */
export function runBlockedReason(state: VeilState): string | null {
  if (state.storageProblem !== null && !state.noAuditAcknowledged) {
    return 'This browser cannot keep an audit trail: tick the acknowledgement in the banner to go on without one.';
  }
  return null;
}

/** Where the last run's review stands: nothing to sign, waiting for a sign-off, or signed. */
export function signOffStatus(state: VeilState): 'none' | 'pending' | 'signed' {
  const { lastRun, run, signOff } = state;
  if (!lastRun || (run.status !== 'done' && run.status !== 'cancelled')) return 'none';
  return signOff?.run === lastRun ? 'signed' : 'pending';
}

/** Why "Export zip" is not allowed now (beyond there being nothing to export), or null. */
export function exportBlockedReason(state: VeilState): string | null {
  const run = runBlockedReason(state);
  if (run) return run;
  if (state.auditSettings.requireSignOff && signOffStatus(state) === 'pending') {
    return 'A review sign-off is required before export (Settings): check the Summary and Diff tabs, then click "Sign off review".';
  }
  return null;
}
