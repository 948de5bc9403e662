import { describe, expect, it } from 'vitest';
import { VeilError, isVeilErrorData, toVeilError } from './errors';

describe('VeilError', () => {
  it('survives structured clone as data with its code, file and offset', () => {
    const error = new VeilError('TRUNCATED', 'file ends inside an element', {
      fileName: 'a.dcm',
      offset: 132,
    });
    const copy = structuredClone(error.toData());
    expect(isVeilErrorData(copy)).toBe(true);
    expect(copy).toMatchObject({ code: 'TRUNCATED', fileName: 'a.dcm', offset: 132 });
    expect(error.describe()).toBe('a.dcm: at byte 132: file ends inside an element [TRUNCATED]');
  });

  it('turns a stack overflow into TOO_DEEP and anything else into INTERNAL, naming the file', () => {
    expect(
      toVeilError(new RangeError('Maximum call stack size exceeded'), 'deep.dcm'),
    ).toMatchObject({
      code: 'TOO_DEEP',
      fileName: 'deep.dcm',
    });
    expect(toVeilError(new Error('boom'), 'x.dcm')).toMatchObject({
      code: 'INTERNAL',
      fileName: 'x.dcm',
    });
    expect(isVeilErrorData({ name: 'Error', code: 'X' })).toBe(false);
  });
});
