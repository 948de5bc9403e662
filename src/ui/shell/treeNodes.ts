import type { FileId, FileResult, ImportedFile, PatientNode, TreeSelection } from '../../store';
import type { SkippedFile, TreeFlag, TreeNode } from '../components/StudyTree';

/** Tree ids speak the node's kind and store key: `series:<key>`, `instance:<file id>`. */
export function selectionId(selection: TreeSelection | null): string | undefined {
  return selection ? `${selection.kind}:${selection.key}` : undefined;
}

export function selectionOf(id: string): TreeSelection | null {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon);
  const key = id.slice(colon + 1);
  if (kind === 'instance') return { kind, key: Number(key) };
  if (kind === 'patient' || kind === 'study' || kind === 'series') return { kind, key };
  return null;
}

/** The store's study tree as the StudyTree component's nodes, with each instance's run outcome. */
export function treeNodes(
  patients: readonly PatientNode[],
  files: ReadonlyMap<FileId, ImportedFile>,
  results: ReadonlyMap<FileId, FileResult>,
): TreeNode[] {
  return patients.map((patient) => ({
    id: `patient:${patient.key}`,
    kind: 'patient',
    label: patient.name || '(no name)',
    details: { extra: patient.patientId },
    children: patient.studies.map((study) => ({
      id: `study:${study.key}`,
      kind: 'study',
      label: study.description || (study.studyId ? `Study ${study.studyId}` : 'Study'),
      details: { date: study.date, modality: study.modalities.join(', ') },
      children: study.series.map((series) => ({
        id: `series:${series.key}`,
        kind: 'series',
        label: series.number !== undefined ? String(series.number) : '–',
        details: { modality: series.modality, description: series.description },
        ...(series.burnedInRisk ? { flags: ['burned-in-risk'] as const } : {}),
        children: series.instances.map((id) => instanceNode(id, files.get(id), results.get(id))),
      })),
    })),
  }));
}

function instanceNode(
  id: FileId,
  file: ImportedFile | undefined,
  result: FileResult | undefined,
): TreeNode {
  const summary = file?.summary;
  const flags: TreeFlag[] = [];
  if (summary && summary.burnedInRisks.length > 0) flags.push('burned-in-risk');
  if (result) flags.push(result.ok ? 'deidentified' : 'failed');
  return {
    id: `instance:${id}`,
    kind: 'instance',
    label: summary?.instanceNumber !== undefined ? String(summary.instanceNumber) : `#${id}`,
    ...(summary && summary.frames > 1 ? { details: { extra: `${summary.frames} frames` } } : {}),
    ...(flags.length > 0 ? { flags } : {}),
  };
}

export function skippedFiles(files: ReadonlyMap<FileId, ImportedFile>): SkippedFile[] {
  const skipped: SkippedFile[] = [];
  for (const file of files.values()) {
    if (file.status !== 'skipped') continue;
    skipped.push({
      id: String(file.id),
      name: `#${file.id} ${file.path}`,
      reason: file.skipReason ?? '',
    });
  }
  return skipped;
}
