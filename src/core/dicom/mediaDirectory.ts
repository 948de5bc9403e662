import { VeilError } from '../errors';

/**
 * A DICOMDIR (Media Storage Directory, PS3.10 §8) indexes the files of a CD or folder: its
 * records name the patients and point at the original files by path and by byte offset. Splicing
 * it would leave offsets that point nowhere, and its paths would not match the output layout, so
 * it is never de-identified: it is left out, and a viewer that needs one can rebuild it from the
 * output (dcmmkdir does). It is known by the File-set attributes of its top level (PS3.3 F.3), which
 * no other object carries there.
 */
export const FILE_SET_TAGS: ReadonlySet<number> = new Set([
  0x00041130, // File-set ID
  0x00041200, // Offset of the First Directory Record of the Root Directory Entity
  0x00041202, // Offset of the Last Directory Record of the Root Directory Entity
  0x00041220, // Directory Record Sequence
]);

/** True for a top-level tag that only a DICOMDIR carries. */
export const isMediaDirectoryTag = (tag: number): boolean => FILE_SET_TAGS.has(tag);

export function mediaDirectoryError(fileName: string): VeilError {
  return new VeilError(
    'DICOMDIR',
    'a DICOMDIR (an index of the original files, with patient data): left out; rebuild one from the output if a viewer needs it',
    { fileName },
  );
}
