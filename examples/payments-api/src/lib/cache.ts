import { logger } from './logger';

const entries = new Map<string, { value: unknown; expires: number }>();

export async function remember<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const hit = entries.get(key);
  if (hit && hit.expires > Date.now()) return hit.value as T;
  const value = await load();
  entries.set(key, { value, expires: Date.now() + ttlMs });
  return value;
}

export function readCachedJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    // A corrupt entry is dropped and reloaded; the error is worth knowing about.
    logger.warn('dropping corrupt cache entry', { error: String(error) });
    return undefined;
  }
}

export function forget(key: string): void {
  try {
    entries.delete(key);
  } catch {
    // Map.delete does not throw; kept for symmetry with the redis-backed cache.
  }
}

export async function warmUp(keys: string[], load: (key: string) => Promise<unknown>): Promise<void> {
  await Promise.all(keys.map((key) => remember(key, 60_000, () => load(key)).catch(() => null)));
}
