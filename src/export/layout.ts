import type { DeidSuccess } from '../core/deid/types';

/** One de-identified file to place in the zip. */
export interface LayoutItem {
  readonly id: number;
  readonly identity: DeidSuccess['identity'];
  readonly outputSha256: string;
  /**
   * Original values, used only to number studies in time order and series and instances in
   * their own order. They are never written into a path.
   */
  readonly order: {
    readonly studyDate: string;
    readonly studyTime: string;
    readonly seriesNumber: number | undefined;
    readonly instanceNumber: number | undefined;
  };
}

export interface Layout {
  /** id → `<pseudonym>/study-01/series-001_CT/0001.dcm` */
  readonly paths: ReadonlyMap<number, string>;
  /** id → id of the identical file already placed (the same file opened twice). */
  readonly duplicates: ReadonlyMap<number, number>;
}

/**
 * Paths carry nothing from the original header: the pseudonym (keyed, or from the person's own
 * table), numbers assigned here and the modality code. The same input gives the same numbers:
 * everything is sorted on stable keys, ties broken by the keyed (de-identified) UIDs.
 */
export function layoutPaths(items: readonly LayoutItem[]): Layout {
  const duplicates = new Map<number, number>();
  const seen = new Map<string, number>();
  const unique: LayoutItem[] = [];
  for (const item of items) {
    const first = seen.get(item.outputSha256);
    if (first !== undefined) duplicates.set(item.id, first);
    else {
      seen.set(item.outputSha256, item.id);
      unique.push(item);
    }
  }

  const patients = groupBy(unique, (i) => i.identity.patientPseudonym);
  const paths = new Map<number, string>();
  const usedFolders = new Map<string, number>();
  for (const [pseudonym, patientItems] of [...patients].sort(([a], [b]) => compareText(a, b))) {
    const folder = uniqueFolder(safeSegment(pseudonym, 'patient'), usedFolders);
    const studies = sortGroups(
      groupBy(patientItems, (i) => i.identity.studyInstanceUid),
      (i) => `${i.order.studyDate}|${i.order.studyTime}`,
    );
    studies.forEach(([, studyItems], s) => {
      const study = `study-${pad(s + 1, studies.length, 2)}`;
      const seriesGroups = [...groupBy(studyItems, (i) => i.identity.seriesInstanceUid)].sort(
        ([uidA, a], [uidB, b]) =>
          compareNumber(a[0]!.order.seriesNumber, b[0]!.order.seriesNumber) ||
          compareText(uidA, uidB),
      );
      seriesGroups.forEach(([, seriesItems], n) => {
        const modality = safeSegment(seriesItems[0]!.identity.modality.toUpperCase(), 'OT').slice(
          0,
          16,
        );
        const series = `series-${pad(n + 1, seriesGroups.length, 3)}_${modality}`;
        const instances = [...seriesItems].sort(
          (a, b) =>
            compareNumber(instanceNumber(a), instanceNumber(b)) ||
            compareText(a.identity.sopInstanceUid, b.identity.sopInstanceUid) ||
            compareText(a.outputSha256, b.outputSha256),
        );
        instances.forEach((item, i) => {
          paths.set(item.id, `${folder}/${study}/${series}/${pad(i + 1, instances.length, 4)}.dcm`);
        });
      });
    });
  }
  return { paths, duplicates };
}

const instanceNumber = (item: LayoutItem): number | undefined => {
  const fromOutput = Number.parseInt(item.identity.instanceNumber, 10);
  return Number.isFinite(fromOutput) ? fromOutput : item.order.instanceNumber;
};

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Groups ordered by their earliest sort key, then by the group key (a keyed UID). */
function sortGroups<T>(groups: Map<string, T[]>, sortKey: (item: T) => string): [string, T[]][] {
  const earliest = (items: T[]) => items.map(sortKey).sort(compareText)[0] ?? '';
  return [...groups].sort(
    ([a, x], [b, y]) => compareText(earliest(x), earliest(y)) || compareText(a, b),
  );
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareNumber = (a: number | undefined, b: number | undefined): number =>
  (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER);

/** Zero-padded to the width of the largest number in the folder (at least `min` digits), so names sort. */
const pad = (n: number, count: number, min: number): string =>
  String(n).padStart(Math.max(min, String(count).length), '0');

/** A path segment any file system accepts: letters, digits, `-`, `_`, `.`; never `.` or `..`. */
export function safeSegment(text: string, fallback: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 64);
  return cleaned === '' ? fallback : cleaned;
}

/** Two pseudonyms that clean to the same segment must not share a folder. */
function uniqueFolder(segment: string, used: Map<string, number>): string {
  const count = used.get(segment.toLowerCase()) ?? 0;
  used.set(segment.toLowerCase(), count + 1);
  return count === 0 ? segment : `${segment}_${count + 1}`;
}
