import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTag, type Tag } from '../../src/core/dicom/tag';
import { dicomFile, item, type DatasetBuilder } from './dicomBuilder';
import { TS } from './transferSyntax';

/**
 * Synthetic, PHI-laden image objects for leak tests. Every identifying value holds a canary: a
 * marker such as `CANARYNAMEK3Q7Z` (6 + field + 5-character key) that occurs nowhere else, so a
 * leak test can scan output bytes for it. Keys derive from seed + patient (+ study, series,
 * instance), so two files of one patient share their patient canaries, as real files would.
 * No canary is a substring of another (phiCanaries.test.ts checks it over a corpus).
 */

export const CANARY_UID_ROOT = '1.2.826.0.1.3680043.2.1143.777';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
export const MULTIFRAME_WORD_SC_STORAGE = '1.2.840.10008.5.1.4.1.1.7.3';

/**
 * What a canary stands for, so a leak test can leave out what an option legitimately keeps:
 * 'uid' (Retain UIDs), 'date'/'time' (Retain Longitudinal Full Dates), 'device' (Retain Device
 * Identity), 'institution' (Retain Institution Identity), 'description' (Clean Descriptors).
 */
export type CanaryKind =
  | 'name'
  | 'id'
  | 'contact'
  | 'text'
  | 'description'
  | 'institution'
  | 'device'
  | 'date'
  | 'time'
  | 'uid'
  | 'private'
  | 'meta';

export interface PlantedCanary {
  readonly value: string;
  readonly kind: CanaryKind;
  /** `(0040,0275)[0]/(0040,1001)`, as Change.path writes it. */
  readonly path: string;
}

export interface PhiFileOptions {
  readonly transferSyntax: string;
  readonly seed?: number;
  readonly patient?: number;
  readonly study?: number;
  readonly series?: number;
  readonly instance?: number;
  readonly modality?: 'CT' | 'MR';
  /** Pixel matrix; default 16×16. */
  readonly rows?: number;
  readonly columns?: number;
  /** More than 1 makes a Multi-frame Grayscale Word Secondary Capture object. */
  readonly frames?: number;
}

export interface PhiFile {
  readonly bytes: Uint8Array;
  /** Every distinct canary value in the file. */
  readonly canaries: string[];
  /** Where each one was planted (a value may be planted at several paths). */
  readonly planted: PlantedCanary[];
  readonly uids: {
    readonly study: string;
    readonly series: string;
    readonly sopInstance: string;
    readonly frameOfReference: string;
  };
}

/** FNV-1a: a fixed, dependency-free hash so the same options always give the same canaries. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const key = (...parts: readonly (string | number)[]): string =>
  fnv1a(parts.join('/')).toString(36).toUpperCase().padStart(5, '0').slice(-5);

const pad2 = (n: number): string => String(n).padStart(2, '0');

function dateAfter(base: Date, days: number): string {
  const d = new Date(base.getTime() + days * 86_400_000);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}

/** A valid TM with a 6-digit fraction from the salt: distinctive enough to be its own canary. */
function timeOf(hour: number, minute: number, salt: string): string {
  const fraction = String(fnv1a(salt) % 1_000_000).padStart(6, '0');
  const second = fnv1a(`${salt}s`) % 60;
  return `${pad2(hour % 24)}${pad2(minute % 60)}${pad2(second)}.${fraction}`;
}

/** xorshift32 filled two pixels at a time: deterministic, fast enough for 512×512×600. */
export function fillPixels(out: Uint16Array, seed: number, mask = 0x0fff): void {
  let x = seed >>> 0 || 0x9e3779b9;
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 1);
  const wordMask = (mask | (mask << 16)) >>> 0;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = (x & wordMask) >>> 0;
  }
  if (out.length % 2 === 1) out[out.length - 1] = x & mask;
}

export function makePhiFile(options: PhiFileOptions): PhiFile {
  const seed = options.seed ?? 1;
  const p = options.patient ?? 0;
  const s = options.study ?? 0;
  const se = options.series ?? 0;
  const i = options.instance ?? 0;
  const rows = options.rows ?? 16;
  const columns = options.columns ?? 16;
  const frames = options.frames ?? 1;
  const modality = options.modality ?? 'CT';
  const multiFrame = frames > 1;

  const planted: PlantedCanary[] = [];
  const plant = (kind: CanaryKind, path: string, value: string): string => {
    planted.push({ value, kind, path });
    return value;
  };
  const at = (...tags: (Tag | number)[]): string =>
    tags
      .map((t, n) => (n % 2 === 1 ? `[${t}]` : formatTag(t)))
      .join('/')
      .replace(/\/\[/g, '[');
  const patientCanary = (field: string) => `CANARY${field}${key(seed, p, field)}`;
  const studyCanary = (field: string) => `CANARY${field}${key(seed, p, s, field)}`;
  const seriesCanary = (field: string) => `CANARY${field}${key(seed, p, s, se, field)}`;
  const instanceCanary = (field: string) => `CANARY${field}${key(seed, p, s, se, i, field)}`;

  // UIDs: one arc per kind of UID, and fixed-width numbers (100 + n, 10000 + instance), so that no
  // UID is a prefix of another one (…1.1 of …1.10 would be).
  const arc = `${CANARY_UID_ROOT}.${seed}`;
  const [up, us, use] = [100 + p, 100 + s, 100 + se];
  const studyUid = `${arc}.1.${up}.${us}`;
  const seriesUid = `${arc}.2.${up}.${us}.${use}`;
  const sopUid = `${arc}.3.${up}.${us}.${use}.${10000 + i}`;
  const frameOfReferenceUid = `${arc}.4.${up}.${us}.${use}`;
  const referencedStudyUid = `${arc}.5.${up}.${us}`;

  // 1923-04-17 for patient 0, a day later for each next patient (repeating after 12 patients).
  const birthDate = `192304${pad2(17 + (p % 12))}`;
  const studyDate = dateAfter(new Date(Date.UTC(1987, 8, 11)), p * 41 + s * 13 + (seed % 97));
  const studyTime = timeOf(9 + s, 10 + p, `${seed}/${p}/${s}/study`);
  const seriesTime = timeOf(9 + s, 20 + p, `${seed}/${p}/${s}/${se}/series`);
  const acquisitionTime = timeOf(9 + s, 30 + p, `${seed}/${p}/${s}/${se}/${i}/acq`);
  const contentTime = timeOf(9 + s, 40 + p, `${seed}/${p}/${s}/${se}/${i}/content`);
  const sliceZ = (-100 + i * 1.25).toFixed(2);

  const file = dicomFile(options.transferSyntax, {
    sourceApplicationEntityTitle: plant('meta', '(0002,0016)', seriesCanary('AE')),
  });
  plant('uid', '(0002,0003)', sopUid);

  const sopClass = multiFrame
    ? MULTIFRAME_WORD_SC_STORAGE
    : modality === 'MR'
      ? MR_IMAGE_STORAGE
      : CT_IMAGE_STORAGE;
  const imageType = modality === 'MR' ? 'OTHER' : 'AXIAL';

  // SOP Common, General Image, and the dates and times of every level.
  file
    .str(0x00080005, 'CS', 'ISO_IR 100')
    .str(0x00080008, 'CS', ['ORIGINAL', 'PRIMARY', imageType])
    .str(0x00080012, 'DA', plant('date', at(0x00080012), studyDate))
    .str(0x00080013, 'TM', plant('time', at(0x00080013), contentTime))
    .str(0x00080016, 'UI', sopClass)
    .str(0x00080018, 'UI', plant('uid', at(0x00080018), sopUid))
    .str(0x00080020, 'DA', plant('date', at(0x00080020), studyDate))
    .str(0x00080021, 'DA', plant('date', at(0x00080021), studyDate))
    .str(0x00080022, 'DA', plant('date', at(0x00080022), studyDate))
    .str(0x00080023, 'DA', plant('date', at(0x00080023), studyDate))
    // The DT is planted as its date and its time, which it contains: listing the whole DT too
    // would make one canary a substring of another.
    .str(
      0x0008002a,
      'DT',
      `${plant('date', at(0x0008002a), studyDate)}${plant('time', at(0x0008002a), acquisitionTime)}`,
    )
    .str(0x00080030, 'TM', plant('time', at(0x00080030), studyTime))
    .str(0x00080031, 'TM', plant('time', at(0x00080031), seriesTime))
    .str(0x00080032, 'TM', plant('time', at(0x00080032), acquisitionTime))
    .str(0x00080033, 'TM', plant('time', at(0x00080033), contentTime))
    .str(0x00080050, 'SH', plant('id', at(0x00080050), studyCanary('ACC')))
    .str(0x00080060, 'CS', modality)
    .str(0x00080070, 'LO', 'VEIL SYNTHETIC')
    .str(0x00080080, 'LO', `${plant('institution', at(0x00080080), studyCanary('INST'))} HOSPITAL`)
    .str(
      0x00080081,
      'ST',
      `1 ${plant('institution', at(0x00080081), studyCanary('HOSPADDR'))} ROAD, SPRINGFIELD`,
    )
    .str(0x00080090, 'PN', `${plant('name', at(0x00080090), studyCanary('REFPHY'))}^ALICE`)
    .str(0x00081010, 'SH', plant('device', at(0x00081010), seriesCanary('STN')))
    .str(0x00081030, 'LO', `CHEST ${plant('description', at(0x00081030), studyCanary('SDESC'))}`)
    .str(0x0008103e, 'LO', `AXIAL ${plant('description', at(0x0008103e), seriesCanary('SERDESC'))}`)
    .str(0x00081040, 'LO', plant('institution', at(0x00081040), studyCanary('DEPT')))
    .str(0x00081050, 'PN', `${plant('name', at(0x00081050), seriesCanary('PERF'))}^ANNA`)
    .str(0x00081070, 'PN', `${plant('name', at(0x00081070), seriesCanary('OPER'))}^TOM`)
    .str(0x00081090, 'LO', `SYNTH ${modality} 1`);

  if (multiFrame) file.str(0x00080064, 'CS', 'WSD');

  file.seq(
    0x00081032,
    [
      (code) =>
        code
          .str(0x00080100, 'SH', 'VEIL0001')
          .str(0x00080102, 'SH', '99VEIL')
          .str(
            0x00080104,
            'LO',
            `CT CHEST ${plant('description', at(0x00081032, 0, 0x00080104), studyCanary('PROC'))}`,
          ),
    ],
    { length: 'undefined' },
  );
  file.seq(0x00081110, [
    (ref) =>
      ref
        .str(0x00081150, 'UI', '1.2.840.10008.3.1.2.3.1')
        .str(0x00081155, 'UI', plant('uid', at(0x00081110, 0, 0x00081155), referencedStudyUid)),
  ]);

  // Patient module, with the identifiers in every form PS3.15 names.
  const familyName = plant('name', at(0x00100010), patientCanary('NAME'));
  const givenName = plant('name', at(0x00100010), patientCanary('GIVEN'));
  file
    .str(0x00100010, 'PN', `${familyName}^${givenName}`)
    .str(0x00100020, 'LO', plant('id', at(0x00100020), patientCanary('PID')))
    .str(0x00100021, 'LO', plant('id', at(0x00100021), patientCanary('ISSUER')))
    .str(0x00100030, 'DA', plant('date', at(0x00100030), birthDate))
    .str(0x00100040, 'CS', p % 2 === 0 ? 'F' : 'M')
    .str(0x00101000, 'LO', [
      plant('id', at(0x00101000), patientCanary('OTHERA')),
      plant('id', at(0x00101000), patientCanary('OTHERB')),
    ])
    .seq(
      0x00101002,
      [
        item(
          (other) =>
            other
              .str(
                0x00100020,
                'LO',
                plant('id', at(0x00101002, 0, 0x00100020), patientCanary('OSQID')),
              )
              .str(
                0x00100021,
                'LO',
                plant('id', at(0x00101002, 0, 0x00100021), patientCanary('OSQISS')),
              )
              .str(0x00100022, 'CS', 'TEXT'),
          { length: 'undefined' },
        ),
      ],
      { length: 'defined' },
    )
    .str(0x00101010, 'AS', `0${1987 - 1923}Y`)
    .str(0x00101040, 'LO', `7 ${plant('contact', at(0x00101040), patientCanary('ADDR'))} LANE`)
    .str(0x00102154, 'SH', plant('contact', at(0x00102154), patientCanary('TEL')))
    .str(
      0x001021b0,
      'LT',
      `Patient ${plant('text', at(0x001021b0), patientCanary('HIST'))} reports chest pain.`,
    );

  // Equipment and acquisition.
  file
    .str(0x00180050, 'DS', '1.25')
    .str(0x00181000, 'LO', plant('device', at(0x00181000), seriesCanary('SERIAL')))
    .str(0x00181020, 'LO', 'VEIL 0.1')
    .str(0x00181030, 'LO', plant('description', at(0x00181030), seriesCanary('PROT')))
    .str(0x00185100, 'CS', 'HFS');
  if (modality === 'CT') file.str(0x00180060, 'DS', '120');
  else {
    file
      .str(0x00180020, 'CS', 'SE')
      .str(0x00180021, 'CS', 'NONE')
      .str(0x00180022, 'CS', '')
      .str(0x00180023, 'CS', '2D')
      .str(0x00180080, 'DS', '500')
      .str(0x00180081, 'DS', '20')
      .str(0x00180087, 'DS', '1.5')
      .str(0x00180091, 'IS', '1');
  }
  if (multiFrame) file.str(0x00181063, 'DS', '33.3');

  // Study, series, frame of reference, image plane.
  file
    .str(0x0020000d, 'UI', plant('uid', at(0x0020000d), studyUid))
    .str(0x0020000e, 'UI', plant('uid', at(0x0020000e), seriesUid))
    .str(0x00200010, 'SH', plant('id', at(0x00200010), studyCanary('STID')))
    .str(0x00200011, 'IS', String(se + 1))
    .str(0x00200012, 'IS', '1')
    .str(0x00200013, 'IS', String(i + 1))
    .str(0x00200060, 'CS', '')
    .str(0x00200032, 'DS', ['-125', '-125', sliceZ])
    .str(0x00200037, 'DS', ['1', '0', '0', '0', '1', '0'])
    .str(0x00200052, 'UI', plant('uid', at(0x00200052), frameOfReferenceUid))
    .str(0x00201040, 'LO', '')
    .str(0x00201041, 'DS', sliceZ)
    .str(
      0x00204000,
      'LT',
      `Scanned by ${plant('text', at(0x00204000), instanceCanary('COMMENT'))} after contrast.`,
    );

  // Image pixel: 12 bits stored in 16, so the generator's random values stay in range.
  file
    .num(0x00280002, 'US', 1)
    .str(0x00280004, 'CS', 'MONOCHROME2')
    .num(0x00280010, 'US', rows)
    .num(0x00280011, 'US', columns)
    .str(0x00280030, 'DS', ['0.488281', '0.488281'])
    .num(0x00280100, 'US', 16)
    .num(0x00280101, 'US', 12)
    .num(0x00280102, 'US', 11)
    .num(0x00280103, 'US', 0)
    .str(0x00281050, 'DS', '40')
    .str(0x00281051, 'DS', '400');
  if (modality === 'CT') file.str(0x00281052, 'DS', '-1024').str(0x00281053, 'DS', '1');
  if (multiFrame) {
    file
      .str(0x00200020, 'CS', ['L', 'P'])
      .str(0x00280008, 'IS', String(frames))
      .at(0x00280009, 0x00181063)
      .str(0x20500020, 'CS', 'IDENTITY');
    if (modality === 'CT') file.str(0x00281054, 'LO', 'HU');
  }
  file.str(0x00280301, 'CS', 'NO');

  // Request attributes: identifiers one level down, undefined lengths.
  file.seq(
    0x00400275,
    [
      (request) =>
        request
          .str(0x00400007, 'LO', 'CT CHEST')
          .str(0x00400009, 'SH', plant('id', at(0x00400275, 0, 0x00400009), studyCanary('SPS')))
          .str(0x00401001, 'SH', plant('id', at(0x00400275, 0, 0x00401001), studyCanary('RPID'))),
    ],
    { length: 'undefined', itemLength: 'undefined' },
  );

  // A person's name three sequences down: Performed Protocol Code (General Series) → Protocol
  // Context → Content Item Modifier, whose innermost item is a PNAME content item.
  const deepPath = at(0x00400260, 0, 0x00400440, 0, 0x00400441, 0, 0x0040a123);
  const code = (b: DatasetBuilder, value: string, scheme: string, meaning: string) =>
    b.str(0x00080100, 'SH', value).str(0x00080102, 'SH', scheme).str(0x00080104, 'LO', meaning);
  file.seq(0x00400260, [
    (protocol) =>
      code(protocol, 'VEIL0002', '99VEIL', 'CHEST PROTOCOL').seq(
        0x00400440,
        [
          item(
            (context) =>
              context
                .str(0x0040a040, 'CS', 'CODE')
                .seq(0x0040a043, [(c) => code(c, '113876', 'DCM', 'Device Role in Procedure')])
                .seq(0x0040a168, [(c) => code(c, '113859', 'DCM', 'Irradiating Device')])
                .seq(
                  0x00400441,
                  [
                    item(
                      (modifier) =>
                        modifier
                          .str(0x0040a040, 'CS', 'PNAME')
                          .seq(0x0040a043, [(c) => code(c, '113870', 'DCM', 'Person Name')])
                          .str(
                            0x0040a123,
                            'PN',
                            `${plant('name', deepPath, instanceCanary('DEEP'))}^NESTED`,
                          ),
                      { length: 'undefined' },
                    ),
                  ],
                  { length: 'undefined' },
                ),
            { length: 'defined' },
          ),
        ],
        { length: 'undefined' },
      ),
  ]);

  // Private data: our own creator, and GE's GEMS_PARM_01, which PS3.15 Table E.3.10-1 lists with
  // safe elements (xx27 Scan Pitch Ratio is one, kept here with a harmless value). xx62 (GE's
  // Scanner Study ID, SH) is not on that list, so even under Retain Safe Private it must go.
  file.privateBlock(0x0009, 0x10, 'CANARY PRIVATE', (block) =>
    block
      .str(0x01, 'LO', plant('private', '(0009,1001)', instanceCanary('PRIVLO')))
      .str(0x02, 'PN', `${plant('private', '(0009,1002)', patientCanary('PRIVPN'))}^X`)
      .str(0x03, 'DA', plant('date', '(0009,1003)', birthDate))
      .seq(
        0x04,
        [
          (nested) =>
            nested.str(
              0x00100010,
              'PN',
              plant('private', '(0009,1004)[0]/(0010,0010)', patientCanary('PRIVSQ')),
            ),
        ],
        // Undefined length: in implicit VR nothing else tells a reader that this is a sequence.
        { length: 'undefined', itemLength: 'undefined' },
      ),
  );
  file.privateBlock(0x0043, 0x10, 'GEMS_PARM_01', (block) =>
    block
      .str(0x27, 'SH', '/1.375:1')
      .str(0x62, 'SH', plant('private', '(0043,1062)', studyCanary('GEMS'))),
  );

  const frameData = Array.from({ length: frames }, (_, f) => {
    const pixels = new Uint16Array(rows * columns);
    fillPixels(pixels, fnv1a(`${seed}/${p}/${s}/${se}/${i}/${f}`));
    return pixels;
  });
  file.pixelData(frameData).sort();

  return {
    bytes: file.build(),
    canaries: [...new Set(planted.map((c) => c.value))],
    planted,
    uids: {
      study: studyUid,
      series: seriesUid,
      sopInstance: sopUid,
      frameOfReference: frameOfReferenceUid,
    },
  };
}

export const CORPUS_TRANSFER_SYNTAXES = [
  TS.implicitLE,
  TS.explicitLE,
  TS.explicitBE,
  TS.deflatedLE,
];

export interface CorpusFile {
  readonly path: string;
  readonly transferSyntax: string;
  readonly patient: number;
  readonly study: number;
  readonly instance: number;
  readonly canaries: readonly string[];
}

/**
 * Writes n files over 3 patients × 2 studies (file k goes to study slot k mod 6) in the four
 * native transfer syntaxes in turn. Names carry no PHI: `p0-s1-i002.dcm`.
 */
export function writePhiCorpus(
  dir: string,
  n: number,
  seed = 1,
): { files: CorpusFile[]; canaries: string[] } {
  mkdirSync(dir, { recursive: true });
  const files: CorpusFile[] = [];
  const all = new Set<string>();
  for (let k = 0; k < n; k++) {
    const slot = k % 6;
    const patient = Math.floor(slot / 2);
    const study = slot % 2;
    const instance = Math.floor(k / 6);
    const transferSyntax = CORPUS_TRANSFER_SYNTAXES[k % CORPUS_TRANSFER_SYNTAXES.length]!;
    const made = makePhiFile({ transferSyntax, seed, patient, study, instance });
    const path = join(dir, `p${patient}-s${study}-i${String(instance).padStart(3, '0')}.dcm`);
    writeFileSync(path, made.bytes);
    made.canaries.forEach((c) => all.add(c));
    files.push({ path, transferSyntax, patient, study, instance, canaries: made.canaries });
  }
  return { files, canaries: [...all] };
}
