import { DICTIONARY_TEXT } from './dictionary.generated';
import {
  elementOf,
  fromParserKey,
  groupOf,
  isPrivateCreatorTag,
  isPrivateTag,
  makeTag,
  type Tag,
} from './tag';

export interface DictionaryEntry {
  /** For a repeating-group attribute found by lookupTag, the tag asked for (6002,3000); else group xx00. */
  readonly tag: Tag;
  /** The single VR to use when the file does not say: see `implicitVr`. 'NONE' for items and delimiters. */
  readonly vr: string;
  /** Every VR PS3.6 allows, in its order: ['OB', 'OW'] for "OB or OW"; [] for items and delimiters. */
  readonly vrs: readonly string[];
  readonly vm: string;
  /** PS3.6 keyword, '' for the few retired attributes that PS3.6 gives none. */
  readonly keyword: string;
  /**
   * A readable name split from the keyword ('SOPInstanceUID' → 'SOP Instance UID'). dcmjs carries no
   * PS3.6 names, so this is not PS3.6's printed name ("Patient's Name" here reads "Patient Name").
   */
  readonly name: string;
  readonly retired: boolean;
}

interface Index {
  readonly byTag: Map<Tag, DictionaryEntry>;
  readonly byKeyword: Map<string, DictionaryEntry>;
  /** Repeating-group attributes keyed by their tag in group xx00 (6000,3000). */
  readonly repeating: Map<Tag, DictionaryEntry>;
  readonly entries: readonly DictionaryEntry[];
}

let index: Index | undefined;

/**
 * The VR a reader should assume for a multi-VR attribute (PS3.5 Annex A.1): OW wherever OW is allowed
 * (Pixel, Overlay, Waveform and LUT data: the little-endian bytes are the same as US, and only OW can
 * hold more than 64 KiB once written with an explicit VR), else US for "US or SS" (the sign depends on
 * Pixel Representation, which the dictionary cannot know).
 */
function preferredVr(vrs: readonly string[]): string {
  if (vrs.length === 0) return 'NONE';
  if (vrs.includes('OW')) return 'OW';
  if (vrs.includes('US')) return 'US';
  return vrs[0]!;
}

/** 'SOPInstanceUID' → 'SOP Instance UID', 'XRay3DFrameTypeSequence' → 'X Ray3D Frame Type Sequence'. */
function nameFromKeyword(keyword: string): string {
  return keyword.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

function buildIndex(): Index {
  const byTag = new Map<Tag, DictionaryEntry>();
  const byKeyword = new Map<string, DictionaryEntry>();
  const repeating = new Map<Tag, DictionaryEntry>();
  const entries: DictionaryEntry[] = [];
  for (const line of DICTIONARY_TEXT.split('\n')) {
    if (line === '') continue;
    const [hex8 = '', vrField = '', vm = '', keywordField = '', flag] = line.split(' ');
    const isRepeating = hex8.slice(2, 4) === 'xx';
    const tag = parseInt(isRepeating ? `${hex8.slice(0, 2)}00${hex8.slice(4)}` : hex8, 16) >>> 0;
    const vrs = vrField === 'NONE' ? [] : vrField.split('/');
    const keyword = keywordField === '-' ? '' : keywordField;
    const entry: DictionaryEntry = {
      tag,
      vr: preferredVr(vrs),
      vrs,
      vm,
      keyword,
      name: nameFromKeyword(keyword),
      retired: flag === 'R',
    };
    entries.push(entry);
    (isRepeating ? repeating : byTag).set(tag, entry);
    if (keyword !== '') byKeyword.set(keyword, entry);
  }
  return { byTag, byKeyword, repeating, entries };
}

const getIndex = (): Index => (index ??= buildIndex());

/**
 * PS3.5 §7.6: repeating groups are the even groups xx00–xx1E of 50xx (curves, retired), 60xx
 * (overlays) and 7Fxx (variable pixel data, retired). Odd groups there are private, and dcmjs's own
 * ranges (xx00–xxFF, odd included) are too loose. Returns the group-xx00 tag, or undefined.
 */
function repeatingBase(tag: Tag): Tag | undefined {
  const group = groupOf(tag);
  const high = group & 0xff00;
  if (high !== 0x5000 && high !== 0x6000 && high !== 0x7f00) return undefined;
  if ((group & 1) === 1 || (group & 0xff) > 0x1e) return undefined;
  return makeTag(high, elementOf(tag));
}

/** The dictionary entry of a standard attribute, repeating groups included; undefined for private or unknown tags. */
export function lookupTag(tag: Tag): DictionaryEntry | undefined {
  const { byTag, repeating } = getIndex();
  const exact = byTag.get(tag);
  if (exact) return exact;
  const base = repeatingBase(tag);
  if (base === undefined) return undefined;
  const generic = repeating.get(base);
  if (!generic) return undefined;
  const resolved = { ...generic, tag };
  // at most 16 groups × 71 attributes: caching them all is cheap
  byTag.set(tag, resolved);
  return resolved;
}

/** By PS3.6 keyword, case-sensitive. A repeating-group keyword (OverlayData) gives the group xx00 tag. */
export function lookupKeyword(keyword: string): DictionaryEntry | undefined {
  return getIndex().byKeyword.get(keyword);
}

/** Every attribute the dictionary knows, in tag order, repeating groups once (group xx00). */
export function dictionaryEntries(): readonly DictionaryEntry[] {
  return getIndex().entries;
}

/**
 * The VR to use when reading Implicit VR: group length (gggg,0000) → UL; private creator (odd group,
 * element 0010–00FF) → LO; other private → UN; otherwise the dictionary's VR (multi-VR attributes as
 * `preferredVr` decides); unknown → UN. Items and delimiters (FFFE,E000/E00D/E0DD), which have no VR,
 * also give UN: the parser handles them before it would ask.
 */
export function implicitVr(tag: Tag): string {
  if (elementOf(tag) === 0) return 'UL';
  if (isPrivateTag(tag)) return isPrivateCreatorTag(tag) ? 'LO' : 'UN';
  const entry = lookupTag(tag);
  if (!entry || entry.vrs.length === 0) return 'UN';
  return entry.vr;
}

/**
 * dicom-parser's vrCallback for implicit VR data: the dictionary VR of a public tag. Private and
 * unknown tags get none, and dicom-parser detects their sequences by itself.
 */
export function implicitVrForParser(key: string): string | undefined {
  const tag = fromParserKey(key);
  if ((tag >>> 16) & 1) return undefined;
  const vr = implicitVr(tag);
  return vr === 'UN' ? undefined : vr;
}
