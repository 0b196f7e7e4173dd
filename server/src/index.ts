export * from './engine/finding';
export * from './engine/analyze';
export * from './parse/project';
export * from './config/types';
export { allRules, findRule } from './rules';
export type { Rule, RuleMeta, RuleContext } from './rules';
export { FileFacts } from './facts';
export { TestCodeClassifier, type TestCodeVerdict, type TestCodeKind } from './workspace/test-code';
export { exportedConfigObject, readFolderRunnerConfig, type TestRunnerDefinition } from './workspace/test-runners';
