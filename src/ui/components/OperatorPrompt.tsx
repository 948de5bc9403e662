import { useId, useState } from 'react';
import './Banner.css';

export interface OperatorPromptProps {
  readonly onSave: (name: string) => void;
  readonly onDismiss: () => void;
}

/**
 * Asks once who is working, without blocking the page: the name signs every audit entry from
 * here on. "Not now" leaves entries signed "Operator not set" (the top bar keeps saying so).
 */
export function OperatorPrompt({ onSave, onDismiss }: OperatorPromptProps) {
  const id = useId();
  const [name, setName] = useState('');
  return (
    <div
      className="veil-banner veil-banner--info"
      role="dialog"
      aria-modal="false"
      aria-labelledby={id}
    >
      <p className="veil-banner__text" id={id}>
        <strong>Who is working?</strong> Your name is written into each entry of the audit log kept
        in this browser (asked once; change it in Settings).
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() !== '') onSave(name);
        }}
      >
        <input
          className="veil-input"
          aria-label="Operator name"
          placeholder="Your name"
          value={name}
          maxLength={64}
          autoComplete="name"
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="veil-button" disabled={name.trim() === ''}>
          Save name
        </button>
        <button type="button" className="veil-button" onClick={onDismiss}>
          Not now
        </button>
      </form>
    </div>
  );
}
