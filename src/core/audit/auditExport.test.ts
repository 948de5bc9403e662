import { describe, expect, it } from 'vitest';
import {
  AuditExportFormatError,
  exportSegment,
  parseAuditExport,
  serializeAuditExport,
  verifyAuditExport,
} from './auditExport';
import { batchHash } from './batchHash';
import { appendEntry, linkBefore, logAnchor, sha256Hex, type ChainLink } from './chain';
import { toCsv } from './csv';
import type { AuditEntry, AuditEvent } from './events';
import { sampleEvents } from './samples';

const LOG_ID = '00112233445566778899aabbccddeeff';

function chain(events: readonly AuditEvent[], operator = 'Ada'): AuditEntry[] {
  let prev: ChainLink = linkBefore(logAnchor(LOG_ID));
  return events.map((event, k) => {
    const entry = appendEntry(prev, {
      time: new Date(Date.UTC(2024, 0, 1, 0, k)).toISOString(),
      operator,
      appVersion: '0.1.0',
      event,
    });
    prev = entry;
    return entry;
  });
}

const roundTrip = (entries: readonly AuditEntry[], logId = LOG_ID, anchor?: string) =>
  parseAuditExport(serializeAuditExport(exportSegment(entries, logId, anchor)));

describe('audit exports', () => {
  const entries = chain(Object.values(sampleEvents()));

  it('a whole log verifies on its own, anchored at the log anchor', () => {
    const text = serializeAuditExport(exportSegment(entries, LOG_ID));
    const data = JSON.parse(text) as Record<string, unknown>;
    expect(data).toMatchObject({ format: 'veil-audit', version: 1, logId: LOG_ID });
    expect(data.anchor).toBe(sha256Hex(`veil-audit-log:${LOG_ID}`));
    expect(data.entries).toEqual(entries);
    // One entry per line, so two exports diff entry by entry.
    expect(text.split('\n').filter((l) => l.startsWith('    {'))).toHaveLength(entries.length);
    expect(verifyAuditExport(parseAuditExport(text))).toEqual({ ok: true });
    expect(verifyAuditExport(roundTrip([]))).toEqual({ ok: true });
  });

  it('a segment from the middle states the hash before its first entry and verifies alone', () => {
    const segment = exportSegment(entries.slice(4, 9), LOG_ID);
    expect(segment.anchor).toBe(entries[3]!.hash);
    expect(verifyAuditExport(roundTrip(entries.slice(4, 9)))).toEqual({ ok: true });
    const tampered = entries.slice(4, 9).map((e, k) => (k === 2 ? { ...e, operator: 'Eve' } : e));
    expect(verifyAuditExport(roundTrip(tampered))).toMatchObject({
      firstBad: 7,
      reason: 'altered',
    });
  });

  it('catches a changed log id, a cut-off start and a changed anchor', () => {
    expect(verifyAuditExport(roundTrip(entries, 'ffeeddccbbaa99887766554433221100'))).toEqual({
      ok: false,
      firstBad: 1,
      index: 0,
      reason: 'bad-anchor',
    });
    // Whole-log export with its first two entries dropped but the log anchor kept.
    const cut = roundTrip(entries.slice(2), LOG_ID, logAnchor(LOG_ID).hash);
    expect(verifyAuditExport(cut)).toMatchObject({ firstBad: 1, reason: 'removed' });
    const moved = roundTrip(entries.slice(3), LOG_ID, entries[0]!.hash);
    expect(verifyAuditExport(moved)).toMatchObject({ firstBad: 4, reason: 'bad-anchor' });
  });

  it('refuses what is not an audit export, quoting nothing from it', () => {
    const bad = [
      'not json',
      '[]',
      '{"format":"veil-report"}',
      '{"format":"veil-audit","version":2}',
      `{"format":"veil-audit","version":1,"logId":"DOE^JOHN","anchor":"${'a'.repeat(64)}","entries":[]}`,
      `{"format":"veil-audit","version":1,"logId":"${LOG_ID}","anchor":"x","entries":[]}`,
      `{"format":"veil-audit","version":1,"logId":"${LOG_ID}","anchor":"${'a'.repeat(64)}","entries":{}}`,
    ];
    for (const text of bad) {
      expect(() => parseAuditExport(text)).toThrow(AuditExportFormatError);
      try {
        parseAuditExport(text);
      } catch (error) {
        expect((error as Error).message).not.toContain('DOE');
      }
    }
  });
});

describe('toCsv', () => {
  it('writes one row per entry with the event details as JSON, quoted per RFC 4180', () => {
    const entries = chain([sampleEvents()['file-deidentified'], sampleEvents()['key-generated']]);
    const csv = toCsv(entries);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('seq,time,operator,app_version,event,details,prev_hash,hash');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[1]!.startsWith('1,2024-01-01T00:00:00.000Z,Ada,0.1.0,file-deidentified,"{')).toBe(
      true,
    );
    expect(lines[1]).toContain('""counts"":{""added"":3,');
    expect(lines[1]!.endsWith(`,${entries[0]!.prevHash},${entries[0]!.hash}`)).toBe(true);
    expect(lines[2]).toBe(
      `2,2024-01-01T00:01:00.000Z,Ada,0.1.0,key-generated,"{""fingerprint"":""${sampleEvents()['key-generated'].fingerprint}""}",${entries[0]!.hash},${entries[1]!.hash}`,
    );
  });

  it('quotes a name with a comma, and defuses a cell a spreadsheet would run as a formula', () => {
    const [entry] = chain([sampleEvents()['key-generated']], 'Ada, (admin)');
    expect(toCsv([entry!]).split('\r\n')[1]).toContain(',"Ada, (admin)",');
    // The guard keeps such names out of a log; a tampered store could still hold one.
    const forged = { ...entry!, operator: '=HYPERLINK("x")' };
    expect(toCsv([forged]).split('\r\n')[1]).toContain(`,"'=HYPERLINK(""x"")",`);
  });
});

describe('batchHash', () => {
  it('depends on the profile and every input/output pair, not on their order', () => {
    const p = sha256Hex('profile');
    const files = [
      { inputHash: sha256Hex('a'), outputHash: sha256Hex('A') },
      { inputHash: sha256Hex('b') },
    ];
    const h = batchHash(p, files);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(batchHash(p, [...files].reverse())).toBe(h);
    expect(batchHash(sha256Hex('other'), files)).not.toBe(h);
    expect(batchHash(p, [files[0]!, { ...files[1]!, outputHash: sha256Hex('B') }])).not.toBe(h);
    expect(batchHash(p, files.slice(0, 1))).not.toBe(h);
  });
});
