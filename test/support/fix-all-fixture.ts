/** Two swallowed failures with batchable fixes (lines 6 and 7), and a missing timeout whose fix is not (line 8). */
export const FIX_ALL_FIXTURE = [
  'declare const redisCacheService: { set(key: string, value: string): Promise<void> };',
  'declare function loadProfile(key: string): Promise<string>;',
  'export async function remember(key: string, value: string) {',
  '  try {',
  '    await redisCacheService.set(key, value);',
  '  } catch {}',
  '  const profile = await loadProfile(key).catch(() => null);',
  '  const response = await fetch(`https://profiles.internal/${key}`);',
  '  return [profile, response];',
  '}',
  '',
].join('\n');
