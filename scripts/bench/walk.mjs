// Lists the files under a folder (recursively, sorted) as paths relative to it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function listFiles(root, prefix = '') {
  const out = [];
  const entries = readdirSync(join(root, prefix), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? join(prefix, entry.name) : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}
