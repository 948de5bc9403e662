import { newRandomId } from '../core/audit';

const KEY = 'veil.session.v1';

/**
 * This tab's session id. Kept in sessionStorage, which survives a reload but not closing the tab:
 * so under the 'tab' retention policy a reload resumes, and a closed tab's data is deleted.
 * Without sessionStorage, every page load is a new session.
 */
export function tabSessionId(
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
  random: (length: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  try {
    const stored = storage?.getItem(KEY);
    if (stored && /^[0-9a-f]{32}$/.test(stored)) return stored;
  } catch {
    // Storage access can throw when blocked; fall through to a fresh id.
  }
  const id = newRandomId(random(16));
  try {
    storage?.setItem(KEY, id);
  } catch {
    // Not persisted: the next load is another session, which only makes the 'tab' policy stricter.
  }
  return id;
}
