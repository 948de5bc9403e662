import { useVeilShallow } from '../../store';
import { RulesPanel } from '../components/RulesPanel';

/** The rules column: the RulesPanel component on the store, plus saved profiles and notices. */
export function RulesPane() {
  const s = useVeilShallow((state) => ({
    profile: state.profile,
    problem: state.profileProblem,
    notice: state.profileNotice,
    keyNotice: state.keyNotice,
    table: state.pseudonymTable,
    saved: state.savedProfiles,
    key: state.key,
    running: state.run.status === 'running',
    hasResults: state.results.size > 0,
    setProfile: state.setProfile,
    loadPseudonymTable: state.loadPseudonymTable,
    saveProfile: state.saveProfile,
    loadSavedProfile: state.loadSavedProfile,
    importProfile: state.importProfile,
    exportProfile: state.exportProfile,
    generateKey: state.generateKey,
    importKey: state.importKey,
    exportKey: state.exportKey,
  }));
  const errors = [
    s.problem,
    s.notice?.kind === 'error' ? s.notice.text : null,
    s.keyNotice?.kind === 'error' ? s.keyNotice.text : null,
  ].filter((e): e is string => e !== null);
  const infos = [s.notice, s.keyNotice].filter((n) => n?.kind === 'info');

  return (
    <div className="app-rules">
      <RulesPanel
        profile={s.profile}
        onChange={s.setProfile}
        errors={errors}
        keyFingerprint={s.key?.fingerprint}
        onGenerateKey={() => {
          // Pseudonyms, UIDs and date shifts follow the key: a new one breaks the link to earlier batches.
          if (
            !s.key ||
            window.confirm(
              'A new key breaks the link with batches made with the current one. Create a new key?',
            )
          ) {
            s.generateKey();
          }
        }}
        onImportKey={(file) => void file.text().then(s.importKey)}
        onExportKey={s.exportKey}
        pseudonymTable={s.table ? `${s.table.fileName}, ${s.table.patients} patients` : undefined}
        onImportPseudonymTable={(file) =>
          void file.text().then((text) => s.loadPseudonymTable(text, file.name))
        }
        onSaveProfile={s.saveProfile}
        onExportProfile={s.exportProfile}
        onImportProfile={(file) => void file.text().then(s.importProfile)}
        disabled={s.running}
      />
      <div className="app-rules__extra">
        {s.saved.length > 0 && (
          <label className="app-field">
            <span>Saved</span>
            <select
              className="veil-input"
              value=""
              disabled={s.running}
              onChange={(e) => e.target.value && s.loadSavedProfile(e.target.value)}
            >
              <option value="">Load a profile saved in this browser…</option>
              {s.saved.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        )}
        {infos.map((n) => (
          <p key={n!.text} className="app-notice" role="status">
            {n!.text}
          </p>
        ))}
        {s.hasResults && (
          <p className="app-hint">
            Changes apply to the next run; the export describes the last one.
          </p>
        )}
      </div>
    </div>
  );
}
