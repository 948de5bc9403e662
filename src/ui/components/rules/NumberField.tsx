import { useState } from 'react';

export interface NumberFieldProps {
  readonly label: string;
  readonly value: number | undefined;
  /** Called with whole numbers only; what is typed in between (`-`, ``) stays local. */
  readonly onChange: (value: number | undefined) => void;
  readonly min?: number;
  readonly max?: number;
  readonly disabled?: boolean;
  readonly className?: string;
}

const WHOLE = /^-?\d+$/;

/** A whole-number field that lets a person type `-12` through `-` without the value jumping. */
export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  disabled,
  className,
}: NumberFieldProps) {
  const [draft, setDraft] = useState<string>();
  const shown = draft ?? (value === undefined ? '' : String(value));
  return (
    <input
      className={className ?? 'veil-input'}
      type="text"
      inputMode="numeric"
      aria-label={label}
      aria-invalid={draft !== undefined && draft !== '' && !WHOLE.test(draft)}
      value={shown}
      disabled={disabled}
      onChange={(event) => {
        const text = event.currentTarget.value.trim();
        setDraft(text);
        if (text === '') onChange(undefined);
        else if (WHOLE.test(text)) {
          let number = Number(text);
          if (min !== undefined) number = Math.max(min, number);
          if (max !== undefined) number = Math.min(max, number);
          onChange(number);
        }
      }}
      onBlur={() => setDraft(undefined)}
    />
  );
}
