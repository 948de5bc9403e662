// @vitest-environment jsdom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ImagePreview } from './ImagePreview';

// Decoding and drawing need a real browser: e2e/preview.spec.ts covers them in Chromium. Here, the
// parts of the component that do not depend on the image.

afterEach(cleanup);

describe('ImagePreview', () => {
  it('invites a selection when there is no file', () => {
    render(createElement(ImagePreview, { file: undefined }));
    expect(screen.getByText('Select an instance to preview it.')).toBeTruthy();
    expect(screen.getByRole('img', { name: 'DICOM image, original' })).toBeTruthy();
    expect(screen.queryByRole('radiogroup')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('warns about burned-in text in a banner that says what to do', () => {
    render(createElement(ImagePreview, { file: undefined, burnedInRisk: true }));
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toContain('Burned-in text risk');
    expect(banner.textContent).toContain('check the image before you share it');
  });

  it('offers the before/after toggle only when there is a de-identified file', () => {
    const before = new Blob([new Uint8Array(4)]);
    const after = new Blob([new Uint8Array(4)]);
    const { rerender } = render(createElement(ImagePreview, { file: before, label: 'CT 1' }));
    expect(screen.queryByRole('radiogroup', { name: 'Image shown' })).toBeNull();
    rerender(createElement(ImagePreview, { file: before, after, label: 'CT 1' }));
    const original = screen.getByRole('radio', { name: 'Original' }) as HTMLInputElement;
    expect(original.checked).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: 'De-identified' }));
    expect(screen.getByRole('img', { name: 'CT 1, de-identified' })).toBeTruthy();
    // Without the de-identified file the original shows again, whatever was chosen.
    rerender(createElement(ImagePreview, { file: before, label: 'CT 1' }));
    expect(screen.getByRole('img', { name: 'CT 1, original' })).toBeTruthy();
  });
});
