// Generates src/core/dicom/dictionary.generated.ts from dcmjs's copy of the DICOM data dictionary
// (PS3.6). Run with `npm run gen:dictionary`; never edit the output by hand.
//
// Source: in dcmjs 0.52.2 `dcmjs.data.DicomMetaDictionary.dictionary` is a Proxy over a packed table:
// it answers lookups but cannot be enumerated (Object.keys gives []), and its repeating-group
// ranges accept odd groups and every group up to xxFF. So the entries are enumerated from the
// plain object the package exports as `dcmjs/dictionary`, and every one of them is checked against
// the runtime Proxy (same vr, vm, name) so the two views of dcmjs cannot drift apart unnoticed.
//
// dcmjs's dictionary follows DCMTK's conventions, which this script translates:
// - keywords sit in `name`; retired attributes are prefixed `RETIRED_` (three retired attributes
//   that PS3.6 gives no keyword are spelled `RETIRED_undefined`: they get keyword '').
// - multi-VR attributes use DCMTK codes: ox = OB or OW, xs = US or SS, lt = LUT data
//   (the two tags are mapped to PS3.6's own wording below), up = UL (a file offset), na = items
//   and delimiters, which have no VR in PS3.6 (written NONE).
// - repeating groups are ranges `(5000-50FF,eeee)`, `(6000-60FF,eeee)`, `(7F00-7FFF,eeee)`: written
//   here as `50xxeeee`; the runtime lookup accepts only even groups xx = 00–1E (PS3.5 §7.6).
// - dcmjs carries no PS3.6 attribute names; dictionary.ts derives a readable name from the keyword.
// Skipped: DCMTK's pseudo-entries for private/illegal/generic group lengths and private creators
// (implicitVr() has rules for those), and the retired element range (0020,3100-31FF) Source Image
// IDs, which the runtime Proxy does not know either.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import dcmjs from 'dcmjs';
import { dictionary as source } from 'dcmjs/dictionary';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'src/core/dicom/dictionary.generated.ts');

function dcmjsVersion() {
  // package.json is not in dcmjs's "exports": find it from the resolved entry point.
  let dir = dirname(fileURLToPath(import.meta.resolve('dcmjs')));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'dcmjs') return pkg.version;
    } catch {
      // not here: go up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find dcmjs/package.json');
    dir = up;
  }
}

/** PS3.6 spells these two "US or SS or OW" and "US or OW"; DCMTK folds both into `lt`. */
const LT_VRS = { '00281200': 'US/SS/OW', '00283006': 'US/OW' };
const DCMTK_VR = { ox: 'OB/OW', xs: 'US/SS', up: 'UL', na: 'NONE' };
const VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);
const REPEATING_RANGES = new Set(['5000-50FF', '6000-60FF', '7F00-7FFF']);
const SKIPPED_VERSIONS = new Set(['PRIVATE', 'ILLEGAL', 'GENERIC', 'PrivateTag']);

function translateVr(vr, hex8) {
  if (VRS.has(vr)) return vr;
  if (vr === 'lt') {
    const mapped = LT_VRS[hex8];
    if (!mapped) throw new Error(`unexpected lt VR at ${hex8}: add its PS3.6 VR to LT_VRS`);
    return mapped;
  }
  const mapped = DCMTK_VR[vr];
  if (!mapped) throw new Error(`unknown VR ${vr} at ${hex8}`);
  return mapped;
}

const proxy = dcmjs.data.DicomMetaDictionary.dictionary;
const lines = [];
const skipped = [];
let retiredCount = 0;
let repeatingCount = 0;

for (const [key, entry] of Object.entries(source)) {
  // dcmjs/dictionary also holds one empty placeholder entry under the key ''.
  if (key === '' || SKIPPED_VERSIONS.has(entry.version)) continue;
  const plain = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(key);
  const range = /^\(([0-9A-F]{4}-[0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(key);
  let hex8;
  let probe;
  if (plain) {
    hex8 = plain[1] + plain[2];
    if (parseInt(plain[1], 16) % 2 === 1)
      throw new Error(`odd group in the standard dictionary: ${key}`);
    probe = key;
  } else if (range && REPEATING_RANGES.has(range[1])) {
    hex8 = range[1].slice(0, 2) + 'xx' + range[2];
    // the Proxy resolves ranges by arithmetic: ask for the second overlay/curve group
    probe = `(${range[1].slice(0, 2)}02,${range[2]})`;
    repeatingCount++;
  } else if (key === '(0020,3100-31FF)') {
    skipped.push(key);
    continue;
  } else {
    throw new Error(`unexpected dictionary key shape ${key}: teach gen-dictionary.mjs about it`);
  }

  const runtime = proxy[probe];
  if (
    !runtime ||
    runtime.vr !== entry.vr ||
    runtime.vm !== entry.vm ||
    runtime.name !== entry.name
  ) {
    throw new Error(`dcmjs/dictionary and DicomMetaDictionary.dictionary disagree on ${key}`);
  }

  const retired = entry.name.startsWith('RETIRED_') || entry.version === 'DICOM/retired';
  if (entry.version === 'DICOM/retired' && !entry.name.startsWith('RETIRED_')) {
    throw new Error(`retired entry without RETIRED_ prefix: ${key}`);
  }
  let keyword = entry.name.replace(/^RETIRED_/, '');
  if (keyword === 'undefined') keyword = '';
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(keyword) && keyword !== '') {
    throw new Error(`unexpected keyword ${JSON.stringify(keyword)} at ${key}`);
  }
  if (!/^[0-9]+(-[0-9]*n?)?$|^[0-9]+-[0-9]+n$/.test(entry.vm)) {
    throw new Error(`unexpected VM ${entry.vm} at ${key}`);
  }
  if (retired) retiredCount++;
  lines.push(
    [hex8, translateVr(entry.vr, hex8), entry.vm, keyword || '-', ...(retired ? ['R'] : [])].join(
      ' ',
    ),
  );
}

lines.sort();
for (let i = 1; i < lines.length; i++) {
  if (lines[i].slice(0, 8) === lines[i - 1].slice(0, 8)) throw new Error(`duplicate ${lines[i]}`);
}
const keywords = new Map();
for (const line of lines) {
  const keyword = line.split(' ')[3];
  if (keyword === '-') continue;
  if (keywords.has(keyword)) throw new Error(`keyword ${keyword} is used twice`);
  keywords.set(keyword, line);
}

const version = dcmjsVersion();
const text = `// Generated by scripts/gen-dictionary.mjs (npm run gen:dictionary): do not edit.
//
// The DICOM data dictionary (DICOM PS3.6, Registry of DICOM Data Elements, © NEMA), as carried by
// dcmjs ${version} (module dcmjs/dictionary, each entry checked against dcmjs.data.DicomMetaDictionary).
// dcmjs does not record which PS3.6 edition it was built from; attributes added to PS3.6 after it
// are unknown here (see dictionary.ts and the PS3.15 table test for the ones that matter).
// ${lines.length} attributes, ${repeatingCount} of them in repeating groups (tag written ggxxeeee),
// ${retiredCount} retired.
//
// One line per attribute: \`ggggeeee VR VM Keyword [R]\`. VR is PS3.6's, with "or" written "/"
// (OB/OW, US/SS, US/OW, US/SS/OW) and NONE for items and delimiters; Keyword is "-" when PS3.6 has
// none; R marks a retired attribute. dictionary.ts parses this once, at the first lookup.

export const DICTIONARY_SOURCE = 'dcmjs ${version} (DICOM PS3.6)';

export const DICTIONARY_TEXT = \`
${lines.join('\n')}
\`;
`;

writeFileSync(outFile, text);
console.log(
  `wrote ${outFile}: ${lines.length} entries (${repeatingCount} repeating, ${retiredCount} retired), ` +
    `${Buffer.byteLength(text)} bytes; skipped ${skipped.join(', ') || 'nothing'}`,
);
