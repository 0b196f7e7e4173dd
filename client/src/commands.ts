/** Command ids contributed in package.json (`contributes.commands`) and registered by this extension. */
export const Commands = {
  restartServer: 'preflight.restartServer',
  showOutput: 'preflight.showOutput',
} as const;
