import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder of the package.json that owns a file: its folder or the nearest
 * one above it (not above `boundary`, when given). Files outside any package
 * belong to `boundary` (or their own folder). Memoised per folder.
 */
export class PackageRoots {
  private readonly byFolder = new Map<string, string | undefined>();

  constructor(private readonly boundary?: string) {}

  of(file: string): string {
    return this.ownerOf(path.dirname(path.resolve(file))) ?? this.boundary ?? path.dirname(path.resolve(file));
  }

  private ownerOf(folder: string): string | undefined {
    if (this.byFolder.has(folder)) return this.byFolder.get(folder);
    let owner: string | undefined;
    if (fs.existsSync(path.join(folder, 'package.json'))) owner = folder;
    else {
      const parent = path.dirname(folder);
      const outside = this.boundary !== undefined && path.relative(this.boundary, folder).startsWith('..');
      owner = parent === folder || folder === this.boundary || outside ? undefined : this.ownerOf(parent);
    }
    this.byFolder.set(folder, owner);
    return owner;
  }
}
