/** The editor languages Preflight analyses (the same set the server accepts). */
export const ANALYSED_LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'] as const;

/** Saved files and unsaved (untitled) editors of the analysed languages; never virtual file systems. */
export const DOCUMENT_SELECTOR: { scheme: 'file' | 'untitled'; language: string; pattern?: string }[] = [
  ...ANALYSED_LANGUAGES.flatMap((language) => [
    { scheme: 'file' as const, language },
    { scheme: 'untitled' as const, language },
  ]),
  // SQL files on disk: the server reviews those in migration folders (prisma/migrations, migrations/, drizzle/...) and answers nothing for the others.
  { scheme: 'file', language: 'sql', pattern: '**/*.sql' },
];
