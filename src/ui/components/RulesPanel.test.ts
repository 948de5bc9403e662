// @vitest-environment jsdom
import { createElement, useState } from 'react';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTION_NAMES, OPTIONS } from '../../core/deid/options';
import { PRESETS, defaultProfile, parseProfile, serializeProfile } from '../../core/deid/profile';
import type { Profile } from '../../core/deid/types';
import { RulesPanel, type Props } from './RulesPanel';

afterEach(cleanup);

/** The panel with its profile held in state, as the store would; `latest()` is the last profile. */
function renderPanel(extra: Partial<Props> = {}) {
  const changes: Profile[] = [];
  const callbacks = {
    onGenerateKey: vi.fn(),
    onImportKey: vi.fn(),
    onExportKey: vi.fn(),
    onImportPseudonymTable: vi.fn(),
    onSaveProfile: vi.fn(),
    onExportProfile: vi.fn(),
    onImportProfile: vi.fn(),
  };
  function Harness() {
    const [profile, setProfile] = useState(defaultProfile());
    return createElement(RulesPanel, {
      profile,
      onChange: (next: Profile) => {
        changes.push(next);
        setProfile(next);
      },
      ...callbacks,
      ...extra,
    });
  }
  render(createElement(Harness));
  const latest = () => changes.at(-1)!;
  /** What core makes of the profile the panel produced: it must load as it is. */
  const reloaded = () => parseProfile(serializeProfile(latest()));
  return { callbacks, latest, reloaded };
}

const checkbox = (name: string) => screen.getByRole('checkbox', { name }) as HTMLInputElement;
const radio = (name: string | RegExp) => screen.getByRole('radio', { name }) as HTMLInputElement;

describe('RulesPanel', () => {
  it('offers every PS3.15 option by its standard name with its one-line explanation', () => {
    renderPanel();
    for (const name of OPTION_NAMES) {
      const box = screen.getByRole('checkbox', {
        name: OPTIONS[name].standardName,
        description: OPTIONS[name].explanation,
      }) as HTMLInputElement;
      expect(box.checked).toBe(false);
    }
  });

  it('keeps the two date options exclusive and the date choice in step with them', () => {
    const { latest, reloaded } = renderPanel();
    fireEvent.click(checkbox(OPTIONS.RetainLongModifDates.standardName));
    expect(latest().options).toEqual(['RetainLongModifDates']);
    expect(radio(/^Shift per patient/).checked).toBe(true);
    fireEvent.click(checkbox(OPTIONS.RetainLongFullDates.standardName));
    expect(latest().options).toEqual(['RetainLongFullDates']);
    expect(checkbox(OPTIONS.RetainLongModifDates.standardName).checked).toBe(false);
    expect(radio(/^Keep dates/).checked).toBe(true);
    expect(reloaded()).toEqual(latest());
  });

  it('applies presets and shows Custom once the options are changed by hand', () => {
    const { latest, reloaded } = renderPanel();
    const preset = screen.getByRole('combobox', { name: 'Preset' }) as HTMLSelectElement;
    expect(preset.value).toBe('basic');
    fireEvent.change(preset, { target: { value: 'clinical-trial' } });
    expect([...latest().options].sort()).toEqual([...PRESETS['clinical-trial'].options].sort());
    expect(latest().name).toBe('Clinical trial');
    expect(checkbox(OPTIONS.RetainPatientChars.standardName).checked).toBe(true);
    expect(reloaded()).toEqual(latest());
    fireEvent.click(checkbox(OPTIONS.CleanGraph.standardName));
    expect(preset.value).toBe('');
    expect(within(preset).getByRole('option', { name: 'Custom' })).toBeTruthy();
  });

  it('sets a fixed date offset, negative numbers typed through the minus sign', () => {
    const { latest, reloaded } = renderPanel();
    fireEvent.click(radio(/^Shift by a fixed number/));
    expect(latest().options).toEqual(['RetainLongModifDates']);
    const days = screen.getByRole('textbox', { name: 'Offset in days' }) as HTMLInputElement;
    fireEvent.change(days, { target: { value: '-' } });
    expect(days.value).toBe('-');
    fireEvent.change(days, { target: { value: '-30' } });
    expect(latest().dateShift).toEqual({ kind: 'fixed', days: -30 });
    expect(reloaded().dateShift).toEqual({ kind: 'fixed', days: -30 });
    fireEvent.click(radio(/^Remove dates/));
    expect(latest().options).toEqual([]);
  });

  it('switches pseudonyms between keyed with a prefix and a CSV table', () => {
    const { latest, callbacks } = renderPanel({ pseudonymTable: 'ids.csv, 12 patients' });
    fireEvent.change(screen.getByRole('textbox', { name: 'Pseudonym prefix' }), {
      target: { value: 'TRIAL7' },
    });
    expect(latest().pseudonyms).toEqual({ kind: 'keyed', prefix: 'TRIAL7' });
    fireEvent.click(radio(/^From a table/));
    expect(latest().pseudonyms).toEqual({ kind: 'table' });
    expect(screen.getByText('ids.csv, 12 patients')).toBeTruthy();
    const csv = new File(['original_patient_id,pseudonym_id\n1,P1\n'], 'ids.csv', {
      type: 'text/csv',
    });
    const button = screen.getByRole('button', { name: 'Load pseudonym table' });
    const input = button.nextElementSibling as HTMLInputElement;
    expect(input.type).toBe('file');
    fireEvent.change(input, { target: { files: [csv] } });
    expect(callbacks.onImportPseudonymTable).toHaveBeenCalledWith(csv);
  });

  it('shows the key fingerprint and hands key and profile actions to the store', () => {
    const { callbacks } = renderPanel({ keyFingerprint: '0123456789abcdef' });
    expect(screen.getByLabelText('Key fingerprint').textContent).toBe('0123456789abcdef');
    for (const [name, callback] of [
      ['Generate key', callbacks.onGenerateKey],
      ['Export key', callbacks.onExportKey],
      ['Save profile', callbacks.onSaveProfile],
      ['Export profile', callbacks.onExportProfile],
    ] as const) {
      fireEvent.click(screen.getByRole('button', { name }));
      expect(callback).toHaveBeenCalledTimes(1);
    }
    const profileFile = new File(['{}'], 'profile.json');
    const importProfile = screen.getByRole('button', { name: 'Import profile' });
    fireEvent.change(importProfile.nextElementSibling!, { target: { files: [profileFile] } });
    expect(callbacks.onImportProfile).toHaveBeenCalledWith(profileFile);
  });

  it('cannot export a key that does not exist', () => {
    renderPanel();
    expect((screen.getByRole('button', { name: 'Export key' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('adds, edits and removes custom rules that core accepts', () => {
    const { latest, reloaded } = renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Rule 1 tag or keyword' }), {
      target: { value: 'PatientComments' },
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Rule 1 action' }), {
      target: { value: 'replace' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Rule 1 value' }), {
      target: { value: 'none' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Rule 2 tag or keyword' }), {
      target: { value: '(0019,xx0C)' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Rule 2 private creator' }), {
      target: { value: 'SIEMENS MR HEADER' },
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Rule 2 action' }), {
      target: { value: 'keep' },
    });
    expect(latest().rules).toEqual([
      { tag: 'PatientComments', action: 'replace', value: 'none' },
      { tag: '(0019,xx0C)', creator: 'SIEMENS MR HEADER', action: 'keep' },
    ]);
    expect(reloaded().rules).toEqual(latest().rules);
    fireEvent.click(screen.getByRole('button', { name: 'Remove rule 1' }));
    expect(latest().rules).toEqual([
      { tag: '(0019,xx0C)', creator: 'SIEMENS MR HEADER', action: 'keep' },
    ]);
  });

  it('shows the problems the store found, and locks everything during a run', () => {
    renderPanel({
      errors: ['rules[0]: "PatientNam" is not a known keyword (did you mean PatientName?)'],
      disabled: true,
    });
    expect(screen.getByRole('alert').textContent).toContain('did you mean PatientName?');
    // Disabled through their fieldset, as a browser sees it.
    expect(checkbox(OPTIONS.CleanDesc.standardName).matches(':disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Add rule' }).matches(':disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Import key' }).matches(':disabled')).toBe(true);
  });
});
