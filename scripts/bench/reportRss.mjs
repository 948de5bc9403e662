// Preloaded with `node --import` when /usr/bin/time is missing: on exit, writes this process's
// peak resident set (process.resourceUsage().maxRSS, in KB, threads included) to $BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
}
