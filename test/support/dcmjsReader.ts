import dcmjs, { type DcmjsDicomDict } from 'dcmjs';

dcmjs.log.setLevel('error');
// dcmjs logs "Invalid vr type ox" at error level for every implicit VR pixel data (its dictionary
// gives OB or OW); the reading is right, the message is noise in test output.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

/** Reads bytes with dcmjs, the independent second reader: throws if dcmjs cannot parse them. */
export function readWithDcmjs(bytes: Uint8Array): DcmjsDicomDict & {
  natural: Record<string, unknown>;
} {
  // dcmjs wants an ArrayBuffer of exactly the file, not a view into a larger one.
  const buffer = bytes.slice().buffer;
  const parsed = dcmjs.data.DicomMessage.readFile(buffer);
  return Object.assign(parsed, {
    natural: dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.dict),
  });
}
