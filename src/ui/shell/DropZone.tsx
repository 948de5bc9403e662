import { useState, type DragEvent, type ReactNode } from 'react';
import { useVeil } from '../../store';

/** The left column accepts files, folders (nested) and zip archives dropped anywhere on it. */
export function DropZone({ children, empty }: { children: ReactNode; empty: boolean }) {
  const importDrop = useVeil((s) => s.importDrop);
  const [over, setOver] = useState(false);
  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    // Synchronously, inside the event: the DataTransfer is emptied once the handler returns.
    void importDrop(event.dataTransfer);
  };
  return (
    <div
      className={`app-drop${over ? ' app-drop--over' : ''}`}
      onDragOver={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="drop-zone"
    >
      {empty ? (
        <div className="app-drop__hint">
          <p className="app-drop__title">Drop DICOM files, folders or zip archives here</p>
          <p>or use “Open files” / “Open folder” above.</p>
          <p className="app-muted">Only headers are read now; nothing leaves this computer.</p>
        </div>
      ) : (
        children
      )}
    </div>
  );
}
