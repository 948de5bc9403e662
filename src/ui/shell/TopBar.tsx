import { useRef } from 'react';
import { useVeil, useVeilShallow } from '../../store';
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
  const blocked = useVeil((s) => s.profileProblem);

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
            disabled={!exportable || running || writing}
            onClick={() => void exportZip()}
          >
            Export zip
          </button>
        </div>
      </div>
      <StatusLine />
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
