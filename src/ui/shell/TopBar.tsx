import { useRef, useState } from 'react';
import {
  exportBlockedReason,
  runBlockedReason,
  signOffStatus,
  useVeil,
  useVeilShallow,
} from '../../store';
import { AuditDialog } from './AuditDialog';
import { SettingsDialog } from './SettingsDialog';
import { StatusLine } from './StatusLine';

/** The clinician's whole path: open, de-identify, export. Every other control is optional. */
export function TopBar() {
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const { importFiles, deidentify, cancel, exportZip, setIncludeMapping } = useVeilShallow((s) => ({
    importFiles: s.importFiles,
    deidentify: s.deidentify,
    cancel: s.cancel,
    exportZip: s.exportZip,
    setIncludeMapping: s.setIncludeMapping,
  }));
  const running = useVeil((s) => s.run.status === 'running');
  const writing = useVeil((s) => s.exporting.status === 'writing');
  const dicomCount = useVeil((s) => s.tree.reduce((n, p) => n + p.instanceCount, 0));
  const exportable = useVeil((s) => [...s.results.values()].some((r) => r.ok));
  const includeMapping = useVeil((s) => s.includeMapping);
  const blocked = useVeil((s) => s.profileProblem ?? runBlockedReason(s));
  const exportBlocked = useVeil(exportBlockedReason);
  const signOff = useVeil(signOffStatus);
  const signOffReview = useVeil((s) => s.signOffReview);
  const operator = useVeil((s) => s.auditSettings.operator);
  const [dialog, setDialog] = useState<'audit' | 'settings' | null>(null);

  const take = (input: HTMLInputElement | null) => {
    if (!input?.files || input.files.length === 0) return;
    void importFiles(Array.from(input.files));
    // The same folder can be chosen again later.
    input.value = '';
  };

  return (
    <header className="app-topbar">
      <div className="app-topbar__row">
        <div className="app-brand">
          <h1 className="app-brand__name">Veil</h1>
          <span className="app-brand__tag">
            DICOM de-identification · runs in this browser, nothing is uploaded
          </span>
        </div>
        <div className="app-topbar__actions" role="toolbar" aria-label="Main actions">
          <button type="button" className="veil-button" onClick={() => filesInput.current?.click()}>
            Open files
          </button>
          <button
            type="button"
            className="veil-button"
            onClick={() => folderInput.current?.click()}
          >
            Open folder
          </button>
          <span className="app-topbar__gap" />
          <button
            type="button"
            className="veil-button veil-button--primary"
            disabled={running || dicomCount === 0 || blocked !== null}
            title={blocked ?? undefined}
            onClick={() => void deidentify()}
          >
            De-identify
          </button>
          <button type="button" className="veil-button" disabled={!running} onClick={cancel}>
            Cancel
          </button>
          <span className="app-topbar__gap" />
          <label
            className="app-check app-topbar__mapping"
            title="The table of original Patient IDs and their pseudonyms is PHI: include it only if the recipient may re-identify."
          >
            <input
              type="checkbox"
              checked={includeMapping}
              onChange={(e) => setIncludeMapping(e.target.checked)}
            />
            Include pseudonym mapping (PHI)
          </label>
          <button
            type="button"
            className="veil-button"
            disabled={signOff !== 'pending' || running}
            aria-pressed={signOff === 'signed'}
            title="Confirm that you reviewed the changes of this batch (logged with the batch's hash)"
            onClick={() => void signOffReview()}
          >
            {signOff === 'signed' ? 'Signed off ✓' : 'Sign off review'}
          </button>
          <button
            type="button"
            className="veil-button"
            disabled={!exportable || running || writing || exportBlocked !== null}
            title={exportBlocked ?? undefined}
            onClick={() => void exportZip()}
          >
            Export zip
          </button>
        </div>
        <div className="app-topbar__actions" role="toolbar" aria-label="Audit and settings">
          <button
            type="button"
            className="app-operator"
            title="The name written into each audit entry (change it in Settings)"
            onClick={() => setDialog('settings')}
          >
            {operator === null ? 'Operator not set' : `Operator: ${operator}`}
          </button>
          <button type="button" className="veil-button" onClick={() => setDialog('audit')}>
            Audit log
          </button>
          <button type="button" className="veil-button" onClick={() => setDialog('settings')}>
            Settings
          </button>
        </div>
      </div>
      <StatusLine />
      {dialog === 'audit' && <AuditDialog onClose={() => setDialog(null)} />}
      {dialog === 'settings' && <SettingsDialog onClose={() => setDialog(null)} />}
      <input
        ref={filesInput}
        type="file"
        multiple
        hidden
        data-testid="open-files-input"
        onChange={(e) => take(e.currentTarget)}
      />
      <input
        ref={folderInput}
        type="file"
        multiple
        hidden
        data-testid="open-folder-input"
        // React does not know the attribute; the browser does (Chromium, Firefox, Safari).
        {...{ webkitdirectory: '' }}
        onChange={(e) => take(e.currentTarget)}
      />
    </header>
  );
}
