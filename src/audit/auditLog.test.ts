import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  logAnchor,
  parseAuditExport,
  sampleEvents,
  verifyAuditExport,
  type AuditEntry,
  type AuditEvent,
  type AuditEventType,
} from '../core/audit';
import { UNSET_OPERATOR } from './auditLog';
import { openLocalData, type LocalData } from './open';
import { updateSettings } from './settings';

let clock = Date.UTC(2024, 4, 1, 8);
let dbCount = 0;
async function open(name = `audit-log-${++dbCount}`): Promise<LocalData> {
  const result = await openLocalData({
    name,
    appVersion: '0.1.0',
    sessionId: 'a'.repeat(32),
    now: () => clock,
  });
  if (!result.ok) throw new Error(result.problem.message);
  return result.data;
}

const EVENTS = Object.values(sampleEvents()) as AuditEvent[];
const batchEvent = (batchId: string): AuditEvent => ({ ...sampleEvents(batchId)['phi-viewed'] });

describe('AuditLog', () => {
  it('starts a chain at the anchor of a random log id, and stamps each entry', async () => {
    const data = await open();
    const entry = await data.audit.append(EVENTS[0]!);
    expect(data.audit.logId).toMatch(/^[0-9a-f]{32}$/);
    expect(entry).toMatchObject({
      seq: 1,
      time: new Date(clock).toISOString(),
      operator: UNSET_OPERATOR,
      appVersion: '0.1.0',
      prevHash: logAnchor(data.audit.logId).hash,
    });
    await updateSettings(data, { operator: '  Dr. Ada Lovelace ' });
    expect((await data.audit.append(EVENTS[1]!)).operator).toBe('Dr. Ada Lovelace');
    const other = await open();
    expect(other.audit.logId).not.toBe(data.audit.logId);
    data.close();
    other.close();
  });

  it('survives closing and reopening the database, and continues the same chain', async () => {
    const name = 'audit-reopen';
    const first = await open(name);
    for (const event of EVENTS) await first.audit.append(event);
    const logId = first.audit.logId;
    first.close();

    const second = await open(name);
    expect(second.audit.logId).toBe(logId);
    expect(await second.audit.verify()).toEqual({ ok: true, count: EVENTS.length });
    const next = await second.audit.append(EVENTS[0]!);
    expect(next.seq).toBe(EVENTS.length + 1);
    const page = await second.audit.query({ order: 'asc', limit: 1000 });
    expect(page.entries.map((e) => e.event)).toEqual([...EVENTS, EVENTS[0]]);
    expect(await second.audit.verify()).toEqual({ ok: true, count: EVENTS.length + 1 });
    second.close();
  });

  it('keeps the chain when many appends run at once, in the order they were called', async () => {
    const data = await open();
    const events = Array.from({ length: 300 }, (_, k) => EVENTS[k % EVENTS.length]!);
    const entries = await Promise.all(events.map((e) => data.audit.append(e)));
    expect(entries.map((e) => e.seq)).toEqual(events.map((_, k) => k + 1));
    expect(entries.map((e) => e.event)).toEqual(events);
    expect(await data.audit.verify()).toEqual({ ok: true, count: 300 });

    // Two connections (two tabs) appending at once: IndexedDB serialises their transactions.
    const name = 'audit-two-tabs';
    const tabA = await open(name);
    const tabB = await open(name);
    await Promise.all(
      Array.from({ length: 60 }, (_, k) => (k % 2 ? tabA : tabB).audit.append(EVENTS[k % 5]!)),
    );
    expect(await tabA.audit.verify()).toEqual({ ok: true, count: 60 });
    data.close();
    tabA.close();
    tabB.close();
  });

  it('stores nothing for an event the guard refuses, and keeps going after it', async () => {
    const data = await open();
    await data.audit.append(EVENTS[0]!);
    const before = await data.audit.meta();
    const leaky = {
      type: 'file-failed',
      batchId: 'b'.repeat(32),
      inputHash: 'DOE^JANE.dcm',
      errorCode: 'TRUNCATED',
    };
    await expect(data.audit.append(leaky as AuditEvent)).rejects.toThrow(/inputHash/);
    expect(await data.audit.meta()).toEqual(before);
    expect(await data.db.count('audit')).toBe(1);
    expect((await data.audit.append(EVENTS[1]!)).seq).toBe(2);
    data.close();
  });

  it('names the first bad entry when the stored log was tampered with', async () => {
    const data = await open();
    for (const event of EVENTS) await data.audit.append(event);
    const entry = (seq: number) => data.db.get('audit', seq) as Promise<AuditEntry>;

    const third = await entry(3);
    await data.db.put('audit', { ...third, operator: 'Mallory' });
    expect(await data.audit.verify()).toMatchObject({ ok: false, firstBad: 3, reason: 'altered' });
    await data.db.put('audit', third);

    await data.db.delete('audit', 5);
    expect(await data.audit.verify()).toMatchObject({ ok: false, firstBad: 5, reason: 'removed' });

    data.close();

    // Cutting the newest entry off is caught through the head kept in the meta record.
    const last = EVENTS.length;
    const fresh = await open();
    for (const event of EVENTS) await fresh.audit.append(event);
    await fresh.db.delete('audit', last);
    expect(await fresh.audit.verify()).toMatchObject({
      ok: false,
      firstBad: last,
      reason: 'removed',
    });
    fresh.close();
  });

  it('pages through thousands of entries with filters, matching an independent filter', async () => {
    const data = await open();
    const types: AuditEventType[] = ['files-imported', 'phi-viewed', 'key-generated', 'exported'];
    const start = clock;
    const all: AuditEntry[] = [];
    await updateSettings(data, { operator: 'Ada' });
    for (let k = 0; k < 2400; k++) {
      clock = start + k * 60_000;
      if (k === 1200) await updateSettings(data, { operator: 'Grace' });
      const type = types[k % types.length]!;
      all.push(await data.audit.append(sampleEvents()[type]));
    }
    const everything = (await data.audit.query({ order: 'asc', limit: 10_000 })).entries;
    expect(everything).toEqual(await data.db.getAll('audit'));

    const expectPage = async (
      query: Parameters<typeof data.audit.query>[0],
      keep: (e: AuditEntry) => boolean,
    ) => {
      const matching = everything.filter(keep);
      const ordered = query?.order === 'asc' ? matching : [...matching].reverse();
      const offset = query?.offset ?? 0;
      const page = await data.audit.query(query);
      expect(page.total).toBe(matching.length);
      expect(page.entries).toEqual(ordered.slice(offset, offset + (query?.limit ?? 100)));
    };
    await expectPage({}, () => true);
    await expectPage({ offset: 2350, limit: 100 }, () => true);
    await expectPage({ offset: 40, limit: 25, order: 'asc' }, () => true);
    await expectPage({ types: ['phi-viewed', 'exported'], offset: 590, limit: 50 }, (e) =>
      ['phi-viewed', 'exported'].includes(e.event.type),
    );
    await expectPage(
      { operator: 'Grace', order: 'asc', offset: 3, limit: 7 },
      (e) => e.operator === 'Grace',
    );
    const from = start + 500 * 60_000;
    const to = start + 1700 * 60_000;
    await expectPage({ from, to, types: ['key-generated'], offset: 10, limit: 20 }, (e) => {
      const t = Date.parse(e.time);
      return t >= from && t < to && e.event.type === 'key-generated';
    });
    await expectPage({ operator: 'Nobody' }, () => false);
    data.close();
  });

  it('exports JSON that verifies on its own, and CSV, and logs each export', async () => {
    const data = await open();
    for (const event of EVENTS) await data.audit.append(event);
    const json = await data.audit.exportJson();
    const parsed = parseAuditExport(json);
    expect(parsed.logId).toBe(data.audit.logId);
    expect(parsed.entries).toHaveLength(EVENTS.length);
    expect(verifyAuditExport(parsed)).toEqual({ ok: true });
    const csv = await data.audit.exportCsv();
    expect(csv.trimEnd().split('\r\n')).toHaveLength(EVENTS.length + 2); // header + the json export entry
    const logged = await data.audit.query({ types: ['audit-exported'], order: 'asc' });
    expect(logged.entries.filter((e) => e.seq > EVENTS.length).map((e) => e.event)).toEqual([
      { type: 'audit-exported', format: 'json', entryCount: EVENTS.length, lastSeq: EVENTS.length },
      {
        type: 'audit-exported',
        format: 'csv',
        entryCount: EVENTS.length + 1,
        lastSeq: EVENTS.length + 1,
      },
    ]);
    data.close();
  });

  it('gives the segment of one batch, which verifies alone', async () => {
    const data = await open();
    const a = '1'.repeat(32);
    const b = '2'.repeat(32);
    await data.audit.append(EVENTS[2]!); // before either batch
    await data.audit.append(sampleEvents(a)['files-imported']);
    await data.audit.append(sampleEvents(b)['files-imported']);
    await data.audit.append(batchEvent(a));
    await data.audit.append(sampleEvents(a)['file-deidentified']);
    await data.audit.append(sampleEvents(b)['file-failed']);
    await data.audit.append(sampleEvents(a)['review-signed-off']);
    await data.audit.append(EVENTS[4]!); // after batch a
    const segment = await data.audit.segmentForBatch(a);
    expect(segment.entries.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(segment.anchor).toBe((await data.db.get('audit', 1))!.hash);
    expect(verifyAuditExport(parseAuditExport(JSON.stringify(segment)))).toEqual({ ok: true });
    expect((await data.audit.segmentForBatch(b)).entries.map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    await expect(data.audit.segmentForBatch('3'.repeat(32))).rejects.toThrow(/no entry/);
    data.close();
  });
});
