/**
 * Which fragments of encapsulated Pixel Data hold a frame when the Basic Offset Table cannot say:
 * some writers store one that points past the fragments (GDCM's own XA example is off by one
 * byte per frame), and dicom-parser then refuses every frame. The layouts PS3.5 A.4 allows that
 * need no table: one fragment per frame, or a single frame in any number of fragments.
 * `undefined` when neither holds (several frames over more fragments: only the table, or the
 * codec's own markers, can split them).
 */
export function fragmentsOfFrame(
  frameIndex: number,
  frames: number,
  fragments: number,
): { readonly start: number; readonly count: number } | undefined {
  if (fragments < 1 || frameIndex < 0 || frameIndex >= Math.max(1, frames)) return undefined;
  if (frames <= 1) return { start: 0, count: fragments };
  if (fragments === frames) return { start: frameIndex, count: 1 };
  return undefined;
}
