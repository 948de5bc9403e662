// Placeholder page until the app issue lands: it proves the build, the CSP and the e2e harness.
export function App() {
  return (
    <main>
      <h1>Veil</h1>
      <p>DICOM de-identification that runs entirely in your browser. Nothing is uploaded.</p>
    </main>
  );
}
