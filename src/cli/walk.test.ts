import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SetupError } from './errors';
import { planLayout, relativeInside } from './layout';
import { isInsideOrSame, listInput, resolveReal } from './walk';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-walk-'));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

function put(relative: string, size: number): void {
  const path = join(dir, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.alloc(size, 1));
}

async function setupError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SetupError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('listInput', () => {
  it('lists every regular file with its size, in name order, folders depth-first', async () => {
    put('in/b.dcm', 3);
    put('in/a/2.dcm', 5);
    put('in/a/1.dcm', 7);
    put('in/a/deep/er/x', 0);
    put('in/C.txt', 11);
    symlinkSync(join(dir, 'in/b.dcm'), join(dir, 'in/link.dcm'));
    symlinkSync(join(dir, 'in'), join(dir, 'in/a/loop'));
    const listing = await listInput(join(dir, 'in'));
    expect(listing.files).toEqual([
      { relativePath: 'C.txt', size: 11 },
      { relativePath: 'b.dcm', size: 3 },
      { relativePath: 'a/1.dcm', size: 7 },
      { relativePath: 'a/2.dcm', size: 5 },
      { relativePath: 'a/deep/er/x', size: 0 },
    ]);
    expect(listing.totalBytes).toBe(26);
    expect(listing.ignored).toBe(2);
    expect(listing.unreadable).toEqual([]);
  });

  it('takes a single file as its own folder', async () => {
    put('one/file.dcm', 4);
    const listing = await listInput(join(dir, 'one/file.dcm'));
    expect(listing.root).toBe(await resolveReal(join(dir, 'one')));
    expect(listing.files).toEqual([{ relativePath: 'file.dcm', size: 4 }]);
  });

  // Root reads every folder whatever its mode, so there is nothing to observe then.
  it.skipIf(process.getuid?.() === 0)(
    'reports folders it cannot read, not skipping them silently',
    async () => {
      put('in/ok.dcm', 1);
      put('in/locked/hidden.dcm', 1);
      chmodSync(join(dir, 'in/locked'), 0o000);
      try {
        const listing = await listInput(join(dir, 'in'));
        expect(listing.unreadable).toEqual(['locked']);
        expect(listing.files.map((f) => f.relativePath)).toEqual(['ok.dcm']);
      } finally {
        chmodSync(join(dir, 'in/locked'), 0o700);
      }
    },
  );

  it('refuses a missing input', async () => {
    expect(await setupError(listInput(join(dir, 'nope')))).toMatch(/no such file or folder/);
  });
});

describe('paths', () => {
  it('tells inside from beside', () => {
    expect(isInsideOrSame('/a/b', '/a/b')).toBe(true);
    expect(isInsideOrSame('/a/b', '/a/b/c')).toBe(true);
    expect(isInsideOrSame('/a/b', '/a/bc')).toBe(false);
    expect(isInsideOrSame('/a/b', '/a')).toBe(false);
    expect(isInsideOrSame('/a/b', '/a/b/..c')).toBe(true);
    expect(relativeInside('/o', '/o/x/r.json')).toBe('x/r.json');
    expect(relativeInside('/o', '/p/r.json')).toBeUndefined();
  });

  it('resolves a path that does not exist yet through the real path of its parent', async () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'alias'));
    expect(await resolveReal(join(dir, 'alias/new/deeper'))).toBe(
      join(await resolveReal(join(dir, 'real')), 'new/deeper'),
    );
  });
});

describe('planLayout', () => {
  it('puts the report in <out> and a generated key beside <out>, never inside it', async () => {
    put('in/a.dcm', 1);
    const layout = await planLayout({ input: join(dir, 'in'), output: join(dir, 'out') });
    const real = await resolveReal(dir);
    expect(layout).toEqual({
      input: join(real, 'in'),
      output: join(real, 'out'),
      report: join(real, 'out/veil-report.json'),
      generatedKey: join(real, 'veil-project.key'),
    });
    const elsewhere = await planLayout({
      input: join(dir, 'in'),
      output: join(dir, 'out'),
      report: join(dir, 'reports/r.json'),
    });
    expect(elsewhere.generatedKey).toBe(join(real, 'reports/veil-project.key'));
  });

  it('refuses every layout that could write into the input or over earlier output', async () => {
    put('in/a.dcm', 1);
    put('full/old.dcm', 1);
    const input = join(dir, 'in');
    expect(await setupError(planLayout({ input, output: input }))).toMatch(/never writes into/);
    expect(await setupError(planLayout({ input, output: join(input, 'sub') }))).toMatch(
      /never writes into/,
    );
    expect(await setupError(planLayout({ input, output: dir }))).toMatch(/<in> is inside <out>/);
    // Through a symbolic link, <out> is still inside <in>.
    symlinkSync(input, join(dir, 'alias'));
    expect(await setupError(planLayout({ input, output: join(dir, 'alias/x') }))).toMatch(
      /never writes into/,
    );
    expect(await setupError(planLayout({ input, output: join(dir, 'full') }))).toMatch(
      /is not empty/,
    );
    expect(await setupError(planLayout({ input, output: join(dir, 'full/old.dcm') }))).toMatch(
      /is not a folder/,
    );
    expect(
      await setupError(
        planLayout({ input, output: join(dir, 'o'), report: join(input, 'r.json') }),
      ),
    ).toMatch(/report would be written inside <in>/);
    expect(
      await setupError(
        planLayout({ input, output: join(dir, 'o'), report: join(dir, 'full/old.dcm') }),
      ),
    ).toMatch(/already exists/);
  });

  it('accepts an empty existing <out> and an output folder next to a single input file', async () => {
    put('in/a.dcm', 1);
    mkdirSync(join(dir, 'empty'));
    await expect(
      planLayout({ input: join(dir, 'in'), output: join(dir, 'empty') }),
    ).resolves.toBeDefined();
    await expect(
      planLayout({ input: join(dir, 'in/a.dcm'), output: join(dir, 'in-anon') }),
    ).resolves.toBeDefined();
  });
});
