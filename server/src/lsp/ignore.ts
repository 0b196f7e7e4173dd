import * as path from 'node:path';

/**
 * Whether the config's `ignore` globs exclude a file. Patterns are relative to
 * the workspace folder: `**` spans folders, `*` and `?` stay within one, `{a,b}`
 * are alternatives; a pattern without `/` matches at any depth, and a pattern
 * that names a folder ignores everything in it.
 */
export function isIgnored(filePath: string, folderPath: string | undefined, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return false;
  const relative = folderPath ? path.relative(folderPath, filePath) : filePath;
  if (!folderPath || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  const subject = relative.split(path.sep).join('/');
  return patterns.some((pattern) => globToRegExp(pattern).test(subject));
}

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (regex) return regex;
  const trimmed = pattern.trim().replace(/^\.\//, '').replace(/^\//, '').replace(/\/$/, '');
  const anyDepth = !trimmed.includes('/');
  let source = '';
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i];
    if (char === '*' && trimmed[i + 1] === '*') {
      const followedBySlash = trimmed[i + 2] === '/';
      source += followedBySlash ? '(?:.*/)?' : '.*';
      i += followedBySlash ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '{') {
      const close = trimmed.indexOf('}', i);
      if (close === -1) {
        source += '\\{';
        continue;
      }
      const alternatives = trimmed.slice(i + 1, close).split(',').map(escapeLiteral);
      source += `(?:${alternatives.join('|')})`;
      i = close;
    } else {
      source += escapeLiteral(char);
    }
  }
  regex = new RegExp(`^${anyDepth ? '(?:.*/)?' : ''}${source}(?:/.*)?$`);
  cache.set(pattern, regex);
  return regex;
}

function escapeLiteral(text: string): string {
  return text.replace(/[.+^$()|[\]\\{}*?]/g, '\\$&');
}
