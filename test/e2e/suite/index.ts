// The test runner module VS Code loads in the extension host (`--extensionTestsPath`):
// every *.test.js in this folder, with the Preflight extension under development.
import { runExtensionHostSuite } from '../mocha-suite';

/**
 * activation.test.js needs a host where nothing has activated Preflight yet, so it runs first;
 * then the editor features, then the other files (the checklist panel) by name.
 */
const FIRST = ['activation.test.js', 'extension.test.js'];

export function run(): Promise<void> {
  return runExtensionHostSuite('host', __dirname, FIRST);
}
