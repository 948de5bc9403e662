import { useMemo } from 'react';
import { useVeilShallow } from '../../store';
import { StudyTree } from '../components/StudyTree';
import { DropZone } from './DropZone';
import { selectionId, selectionOf, skippedFiles, treeNodes } from './treeNodes';

/** Drop zone, the study tree and the files that were skipped. */
export function LeftPane() {
  const { tree, files, results, selection, select, clearFiles, running } = useVeilShallow((s) => ({
    tree: s.tree,
    files: s.files,
    results: s.results,
    selection: s.selection,
    select: s.select,
    clearFiles: s.clearFiles,
    running: s.run.status === 'running',
  }));
  const nodes = useMemo(() => treeNodes(tree, files, results), [tree, files, results]);
  const skipped = useMemo(() => skippedFiles(files), [files]);
  const instances = tree.reduce((n, p) => n + p.instanceCount, 0);
  return (
    <aside className="app-left" aria-label="Studies">
      <div className="app-pane-head">
        <h2>Studies</h2>
        <span className="app-muted">
          {tree.length} patient{tree.length === 1 ? '' : 's'} · {instances} instance
          {instances === 1 ? '' : 's'}
        </span>
        {files.size > 0 && (
          <button type="button" className="app-link" disabled={running} onClick={clearFiles}>
            Clear
          </button>
        )}
      </div>
      <DropZone empty={files.size === 0}>
        <StudyTree
          nodes={nodes}
          selectedId={selectionId(selection)}
          onSelect={(id) => select(selectionOf(id))}
          skipped={skipped}
        />
      </DropZone>
    </aside>
  );
}
