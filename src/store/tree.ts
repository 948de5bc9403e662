import type { InstanceSummary } from '../core/dicom/parseHeader';
import type { FileId, ImportedFile, PatientNode, SeriesNode, StudyNode } from './types';

const NO_UID = '(no UID)';

interface Series {
  first: InstanceSummary;
  instances: { id: FileId; number: number; uid: string }[];
  burnedIn: boolean;
}
interface Study {
  first: InstanceSummary;
  series: Map<string, Series>;
}
interface Patient {
  first: InstanceSummary;
  studies: Map<string, Study>;
}

const byNumberThenText = (a: number | undefined, b: number | undefined, x: string, y: string) =>
  (a ?? Infinity) - (b ?? Infinity) || (x < y ? -1 : x > y ? 1 : 0);

/**
 * Patient → Study → Series → Instance from the imported headers. A patient is its Patient ID (or
 * its name when the ID is empty); studies by date, series by number, instances by number.
 */
export function buildTree(files: Iterable<ImportedFile>): PatientNode[] {
  const patients = new Map<string, Patient>();
  for (const file of files) {
    const s = file.summary;
    if (file.status !== 'dicom' || !s) continue;
    const patientKey = s.patientId !== '' ? `id:${s.patientId}` : `name:${s.patientName}`;
    let patient = patients.get(patientKey);
    if (!patient) patients.set(patientKey, (patient = { first: s, studies: new Map() }));
    const studyKey = s.studyInstanceUid || NO_UID;
    let study = patient.studies.get(studyKey);
    if (!study) patient.studies.set(studyKey, (study = { first: s, series: new Map() }));
    const seriesKey = s.seriesInstanceUid || NO_UID;
    let series = study.series.get(seriesKey);
    if (!series)
      study.series.set(seriesKey, (series = { first: s, instances: [], burnedIn: false }));
    series.instances.push({
      id: file.id,
      number: s.instanceNumber ?? Infinity,
      uid: s.sopInstanceUid,
    });
    if (s.burnedInRisks.length > 0) series.burnedIn = true;
  }

  return [...patients.entries()]
    .map(([key, patient]) => patientNode(key, patient))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function patientNode(key: string, patient: Patient): PatientNode {
  const studies = [...patient.studies.entries()]
    .map(([uid, study]) => studyNode(`${key}/${uid}`, uid, study))
    .sort((a, b) =>
      byNumberThenText(0, 0, `${a.date}${a.time}${a.uid}`, `${b.date}${b.time}${b.uid}`),
    );
  return {
    key,
    name: patient.first.patientName,
    patientId: patient.first.patientId,
    birthDate: patient.first.patientBirthDate,
    sex: patient.first.patientSex,
    studies,
    instanceCount: studies.reduce((n, s) => n + s.instanceCount, 0),
  };
}

function studyNode(key: string, uid: string, study: Study): StudyNode {
  const series: SeriesNode[] = [...study.series.entries()]
    .map(([seriesUid, s]) => ({
      key: `${key}/${seriesUid}`,
      uid: seriesUid,
      number: s.first.seriesNumber,
      modality: s.first.modality,
      description: s.first.seriesDescription,
      instances: s.instances
        .sort((a, b) => byNumberThenText(a.number, b.number, a.uid, b.uid))
        .map((i) => i.id),
      burnedInRisk: s.burnedIn,
    }))
    .sort((a, b) => byNumberThenText(a.number, b.number, a.uid, b.uid));
  const first = study.first;
  return {
    key,
    uid,
    date: first.studyDate,
    time: first.studyTime,
    description: first.studyDescription,
    studyId: first.studyId,
    accessionNumber: first.accessionNumber,
    modalities: [...new Set(series.map((s) => s.modality).filter(Boolean))],
    series,
    instanceCount: series.reduce((n, s) => n + s.instances.length, 0),
  };
}
