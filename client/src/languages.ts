/** The editor languages Preflight analyses (the same set the server accepts). */
export const ANALYSED_LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'] as const;

/** Saved files and unsaved (untitled) editors of the analysed languages; never virtual file systems. */
export const DOCUMENT_SELECTOR: { scheme: 'file' | 'untitled'; language: string }[] = ANALYSED_LANGUAGES.flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);
