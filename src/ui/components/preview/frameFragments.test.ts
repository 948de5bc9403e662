import { describe, expect, it } from 'vitest';
import { fragmentsOfFrame } from './frameFragments';

describe('fragmentsOfFrame', () => {
  it('gives each frame its own fragment when there are as many fragments as frames', () => {
    expect(fragmentsOfFrame(0, 4, 4)).toEqual({ start: 0, count: 1 });
    expect(fragmentsOfFrame(3, 4, 4)).toEqual({ start: 3, count: 1 });
  });

  it('gives a single frame every fragment', () => {
    expect(fragmentsOfFrame(0, 1, 5)).toEqual({ start: 0, count: 5 });
    // NumberOfFrames absent or 0: one frame.
    expect(fragmentsOfFrame(0, 0, 2)).toEqual({ start: 0, count: 2 });
  });

  it('cannot split several frames over more fragments, nor find a frame that is not there', () => {
    expect(fragmentsOfFrame(1, 2, 5)).toBeUndefined();
    expect(fragmentsOfFrame(4, 4, 4)).toBeUndefined();
    expect(fragmentsOfFrame(-1, 4, 4)).toBeUndefined();
    expect(fragmentsOfFrame(0, 1, 0)).toBeUndefined();
  });
});
