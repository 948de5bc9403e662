/** Relative paths of every file below `root`, sorted. */
export function listFiles(root: string, prefix?: string): string[];
