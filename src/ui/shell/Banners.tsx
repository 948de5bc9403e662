import { exportBlockedReason, useVeil, useVeilShallow } from '../../store';
import '../components/Banner.css';
import { OperatorPrompt } from '../components/OperatorPrompt';
import { ResumeBanner } from '../components/ResumeBanner';
import { StorageBanner } from '../components/StorageBanner';

/**
 * What the page must say under the top bar: no stored audit trail (and the acknowledgement), an
 * unfinished batch to resume, who is working (asked once), why export waits, storage errors.
 */
export function Banners() {
  const s = useVeilShallow((state) => ({
    storageProblem: state.storageProblem,
    acknowledged: state.noAuditAcknowledged,
    acknowledge: state.acknowledgeNoAudit,
    askOperator:
      state.auditSettings.operator === null &&
      !state.operatorPromptDismissed &&
      state.storageProblem === null,
    setOperator: state.setOperator,
    dismissOperator: state.dismissOperatorPrompt,
    offer: state.files.size === 0 ? state.resumeOffer : null,
    // Until the resumed batch's first run: the banner then has nothing left to say.
    resuming: state.run.status === 'idle' ? state.resuming : null,
    resume: state.resumeBatch,
    discard: state.discardResume,
    notice: state.auditNotice,
    dismissNotice: state.dismissAuditNotice,
  }));
  const exportBlocked = useVeil((state) => {
    const exportable = [...state.results.values()].some((r) => r.ok);
    // Said here only for the sign-off rule: the storage banner already says the rest.
    return exportable && state.storageProblem === null ? exportBlockedReason(state) : null;
  });

  return (
    <>
      {s.storageProblem !== null && (
        <StorageBanner
          message={s.storageProblem}
          acknowledged={s.acknowledged}
          onAcknowledge={s.acknowledge}
        />
      )}
      {s.notice?.kind === 'error' && (
        <div className="veil-banner veil-banner--danger" role="alert">
          <p className="veil-banner__text">{s.notice.text}</p>
          <button type="button" className="veil-button" onClick={s.dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      {s.askOperator && (
        <OperatorPrompt onSave={(name) => void s.setOperator(name)} onDismiss={s.dismissOperator} />
      )}
      {s.offer && (
        <ResumeBanner offer={s.offer} onResume={s.resume} onDiscard={() => void s.discard()} />
      )}
      {s.resuming && <ResumeBanner progress={s.resuming} />}
      {exportBlocked && (
        <p className="veil-banner veil-banner--warning" data-testid="export-blocked">
          {exportBlocked}
        </p>
      )}
    </>
  );
}
