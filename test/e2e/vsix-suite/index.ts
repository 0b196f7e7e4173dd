// The test runner module for the packaged extension: Preflight is installed from the .vsix,
// and the extension under development is only an empty harness (VS Code loads a test runner
// only for one).
import { runExtensionHostSuite } from '../mocha-suite';

export function run(): Promise<void> {
  return runExtensionHostSuite('vsix', __dirname);
}
