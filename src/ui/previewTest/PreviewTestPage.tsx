import { useState } from 'react';
import { ImagePreview } from '../components/ImagePreview';
import { Gallery } from './Gallery';

/**
 * A harness for e2e/preview.spec.ts: the preview component fed from file inputs, exactly as the app
 * feeds it `File` objects from import. Built only by that spec, never shipped.
 */
export function PreviewTestPage() {
  const [file, setFile] = useState<File>();
  const [after, setAfter] = useState<File>();
  const [risk, setRisk] = useState(false);
  const [bytes, setBytes] = useState<Uint8Array>();
  return (
    <main style={{ maxWidth: 960, margin: '16px auto', fontFamily: 'system-ui' }}>
      <h1>Preview test page</h1>
      <p>
        <label>
          DICOM file{' '}
          <input
            type="file"
            onChange={(e) => {
              const picked = e.currentTarget.files?.[0];
              setFile(picked);
              setBytes(undefined);
              void picked?.arrayBuffer().then((buffer) => setBytes(new Uint8Array(buffer)));
            }}
          />
        </label>{' '}
        <label>
          De-identified file{' '}
          <input type="file" onChange={(e) => setAfter(e.currentTarget.files?.[0])} />
        </label>{' '}
        <label>
          <input
            type="checkbox"
            checked={risk}
            onChange={(e) => setRisk(e.currentTarget.checked)}
          />
          Burned-in risk
        </label>
      </p>
      <ImagePreview file={file} after={after} burnedInRisk={risk} label={file?.name} />
      {new URLSearchParams(location.search).has('gallery') && bytes && file && (
        <Gallery bytes={bytes} name={file.name} />
      )}
    </main>
  );
}
