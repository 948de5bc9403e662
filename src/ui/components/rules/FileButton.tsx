import { useRef } from 'react';
import type { ReactNode } from 'react';

export interface FileButtonProps {
  readonly accept: string;
  readonly onFile: (file: File) => void;
  readonly children: ReactNode;
  readonly disabled?: boolean;
}

/** A button that opens the file picker for one file (a key, a profile, a pseudonym table). */
export function FileButton({ accept, onFile, children, disabled }: FileButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="veil-button"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        {children}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Cleared so that picking the same file again still reports it.
          event.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
