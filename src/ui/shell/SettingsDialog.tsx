import { useVeil, useVeilShallow } from '../../store';
import { Dialog } from '../components/Dialog';
import { plural } from '../components/format';
import { SettingsView } from '../components/SettingsView';

/** The settings, from the top bar's "Settings" button. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const s = useVeilShallow((state) => ({
    settings: state.auditSettings,
    stored: state.auditTrail === 'stored',
    lastRetention: state.lastRetention,
    notice: state.auditNotice,
    setOperator: state.setOperator,
    changeSettings: state.changeSettings,
    purge: state.purgeWorkingData,
  }));
  const hasKey = useVeil((state) => state.key !== null);
  const last = s.lastRetention;
  const lastDeletion = last
    ? `Last deletion (${new Date(last.at).toLocaleString('en-GB')}): ${[
        plural(last.report.batches, 'batch', 'batches'),
        plural(last.report.results, 'result'),
        plural(last.report.pseudonymTables, 'pseudonym table'),
        ...(last.report.keys > 0 ? [plural(last.report.keys, 'key')] : []),
        ...(last.report.auditEntries > 0
          ? [plural(last.report.auditEntries, 'audit entry', 'audit entries')]
          : []),
      ].join(', ')}.`
    : null;

  return (
    <Dialog title="Settings" onClose={onClose}>
      <SettingsView
        operator={s.settings.operator}
        workingData={s.settings.retention.workingData}
        auditDays={s.settings.retention.auditDays}
        requireSignOff={s.settings.requireSignOff}
        stored={s.stored}
        lastDeletion={lastDeletion}
        error={s.notice?.kind === 'error' ? s.notice.text : null}
        onOperator={(name) => void s.setOperator(name)}
        onChange={(patch) =>
          void s.changeSettings({
            ...(patch.requireSignOff !== undefined ? { requireSignOff: patch.requireSignOff } : {}),
            ...(patch.workingData !== undefined || patch.auditDays !== undefined
              ? {
                  retention: {
                    ...(patch.workingData !== undefined ? { workingData: patch.workingData } : {}),
                    ...(patch.auditDays !== undefined ? { auditDays: patch.auditDays } : {}),
                  },
                }
              : {}),
          })
        }
        onPurge={({ keys }) => {
          const what =
            keys && hasKey ? 'all working data and the stored project key' : 'all working data';
          // A purge cannot be undone; deleting the key breaks the link with later batches.
          if (
            window.confirm(
              `Delete ${what} (saved batches, results, pseudonym tables) now? The audit log is kept.`,
            )
          ) {
            void s.purge({ keys });
          }
        }}
      />
    </Dialog>
  );
}
