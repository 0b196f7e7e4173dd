// The VS Code client: starts the Preflight language server. (Filled in by the client work.)
export function activate(): void {}
export function deactivate(): void {}
