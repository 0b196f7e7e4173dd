import type { SeveritySetting } from '../engine/finding';
import { MAX_FIX_TIMEOUT_MS, type ChecklistItemConfig, type FixesConfig, type ResolvedConfig, type RuleSetting, type TestsConfig } from './types';
import { MAX_JSON_DEPTH, toPlainValue, type JsonNode, type JsonProperty } from './json';

/** A problem found while validating, at an offset of the config text. */
export interface ValidationProblem {
  offset: number;
  message: string;
}

/** The parts of a config that were present and valid; absent parts fall back to defaults. */
export interface PartialConfig {
  rules?: Record<string, RuleSetting>;
  ignore?: string[];
  tests?: TestsConfig;
  checklist?: ResolvedConfig['checklist'];
  fixes?: Partial<FixesConfig>;
}

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'info', 'hint', 'off'];
const SEVERITY_LIST = 'error, warning, info, hint or off';
const TOP_LEVEL_KEYS = ['rules', 'ignore', 'tests', 'checklist', 'fixes'];
const FIXES_KEYS = ['timeoutMs'];
const TESTS_KEYS = ['patterns', 'notTests', 'analyze'];
const CHECKLIST_KEYS = ['baseBranch', 'items', 'maxWarnings'];
const CHECKLIST_ITEM_KEYS = ['id', 'title', 'required'];

type ObjectNode = Extract<JsonNode, { kind: 'object' }>;

function describeKind(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return `the string ${JSON.stringify(node.value)}`;
    case 'null':
      return 'null';
    default:
      return `${node.kind} ${String(node.value)}`;
  }
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The known name closest to `name`, when it is close enough to be a likely typo. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

function didYouMean(name: string, known: Iterable<string>): string {
  const suggestion = closestName(name, known);
  return suggestion ? ` (did you mean "${suggestion}"?)` : '';
}

class ConfigValidator {
  readonly problems: ValidationProblem[] = [];

  constructor(private readonly knownRuleIds: ReadonlySet<string>) {}

  private problem(offset: number, message: string): void {
    this.problems.push({ offset, message });
  }

  /** Properties of an object, reporting duplicates and names outside `allowed`. */
  private propertiesOf(node: ObjectNode, allowed: readonly string[], where: string): JsonProperty[] {
    const seen = new Set<string>();
    const kept: JsonProperty[] = [];
    for (const property of node.properties) {
      if (seen.has(property.key)) {
        this.problem(property.keyStart, `duplicate property "${property.key}"${where}`);
      }
      seen.add(property.key);
      if (allowed.includes(property.key)) kept.push(property);
      else if (!(property.key === '$schema' && where === '')) {
        this.problem(property.keyStart, `unknown property "${property.key}"${where}${didYouMean(property.key, allowed)}; expected ${allowed.join(', ')}`);
      }
    }
    return kept;
  }

  validateRoot(node: JsonNode): PartialConfig {
    if (node.kind !== 'object') {
      this.problem(node.start, `expected an object with "rules", "ignore", "tests", "checklist" and "fixes", found ${describeKind(node)}`);
      return {};
    }
    const result: PartialConfig = {};
    for (const property of this.propertiesOf(node, TOP_LEVEL_KEYS, '')) {
      if (property.key === 'rules') result.rules = this.validateRules(property.value);
      else if (property.key === 'ignore') result.ignore = this.validateIgnore(property.value);
      else if (property.key === 'tests') result.tests = this.validateTests(property.value);
      else if (property.key === 'checklist') result.checklist = this.validateChecklist(property.value);
      else if (property.key === 'fixes') result.fixes = this.validateFixes(property.value);
    }
    return result;
  }

  validateRules(node: JsonNode): Record<string, RuleSetting> {
    const rules: Record<string, RuleSetting> = {};
    if (node.kind !== 'object') {
      this.problem(node.start, `"rules" must be an object mapping rule ids to severities, found ${describeKind(node)}`);
      return rules;
    }
    for (const property of node.properties) {
      if (!this.knownRuleIds.has(property.key)) {
        this.problem(property.keyStart, `unknown rule "${property.key}"${didYouMean(property.key, this.knownRuleIds)}`);
        continue;
      }
      const setting = this.validateRuleSetting(property.key, property.value);
      if (setting) rules[property.key] = setting;
    }
    return rules;
  }

  private validateSeverity(ruleId: string, node: JsonNode): SeveritySetting | undefined {
    if (node.kind === 'string' && (SEVERITY_SETTINGS as readonly string[]).includes(node.value)) {
      return node.value as SeveritySetting;
    }
    this.problem(node.start, `bad severity ${node.kind === 'string' ? JSON.stringify(node.value) : describeKind(node)} for rule "${ruleId}": use ${SEVERITY_LIST}`);
    return undefined;
  }

  private validateRuleSetting(ruleId: string, node: JsonNode): RuleSetting | undefined {
    if (node.kind === 'string') {
      const severity = this.validateSeverity(ruleId, node);
      return severity ? { severity } : undefined;
    }
    if (node.kind !== 'array') {
      this.problem(node.start, `setting for rule "${ruleId}" must be a severity (${SEVERITY_LIST}) or [severity, { options }], found ${describeKind(node)}`);
      return undefined;
    }
    const [severityNode, optionsNode, ...extra] = node.items;
    if (!severityNode) {
      this.problem(node.start, `setting for rule "${ruleId}" is an empty array: expected [severity, { options }]`);
      return undefined;
    }
    const severity = this.validateSeverity(ruleId, severityNode);
    if (extra[0]) this.problem(extra[0].start, `setting for rule "${ruleId}" has extra items: expected [severity, { options }]`);
    if (!severity) return undefined;
    if (!optionsNode) return { severity };
    if (optionsNode.kind !== 'object') {
      this.problem(optionsNode.start, `options for rule "${ruleId}" must be an object, found ${describeKind(optionsNode)}`);
      return { severity };
    }
    return { severity, options: toPlainValue(optionsNode) as Record<string, unknown> };
  }

  validateIgnore(node: JsonNode): string[] {
    return this.validatePatterns(node, 'ignore');
  }

  private validatePatterns(node: JsonNode, name: string): string[] {
    if (node.kind !== 'array') {
      this.problem(node.start, `"${name}" must be an array of glob patterns, found ${describeKind(node)}`);
      return [];
    }
    const patterns: string[] = [];
    for (const item of node.items) {
      if (item.kind === 'string' && item.value.trim() !== '') patterns.push(item.value.trim());
      else this.problem(item.start, `"${name}" entries must be non-empty glob pattern strings, found ${describeKind(item)}`);
    }
    return patterns;
  }

  validateTests(node: JsonNode): TestsConfig {
    const tests: TestsConfig = { patterns: [], notTests: [], analyze: false };
    if (node.kind !== 'object') {
      this.problem(node.start, `"tests" must be an object with "patterns", "notTests" and "analyze", found ${describeKind(node)}`);
      return tests;
    }
    for (const property of this.propertiesOf(node, TESTS_KEYS, ' in "tests"')) {
      const value = property.value;
      if (property.key === 'analyze') {
        if (value.kind === 'boolean') tests.analyze = value.value;
        else this.problem(value.start, `"tests.analyze" must be true or false, found ${describeKind(value)}`);
      } else if (property.key === 'patterns') {
        tests.patterns = this.validatePatterns(value, 'tests.patterns');
      } else if (property.key === 'notTests') {
        tests.notTests = this.validatePatterns(value, 'tests.notTests');
      }
    }
    return tests;
  }

  validateFixes(node: JsonNode, name = 'fixes'): Partial<FixesConfig> {
    const fixes: Partial<FixesConfig> = {};
    if (node.kind !== 'object') {
      this.problem(node.start, `"${name}" must be an object with "timeoutMs", found ${describeKind(node)}`);
      return fixes;
    }
    for (const property of this.propertiesOf(node, FIXES_KEYS, ` in "${name}"`)) {
      const value = property.value;
      if (property.key !== 'timeoutMs') continue;
      if (value.kind === 'number' && Number.isInteger(value.value) && value.value >= 1 && value.value <= MAX_FIX_TIMEOUT_MS) fixes.timeoutMs = value.value;
      else this.problem(value.start, `"${name}.timeoutMs" must be a whole number of milliseconds from 1 to ${MAX_FIX_TIMEOUT_MS}, found ${describeKind(value)}`);
    }
    return fixes;
  }

  validateChecklist(node: JsonNode): ResolvedConfig['checklist'] {
    const checklist: ResolvedConfig['checklist'] = { items: [] };
    if (node.kind !== 'object') {
      this.problem(node.start, `"checklist" must be an object with "baseBranch", "items" and "maxWarnings", found ${describeKind(node)}`);
      return checklist;
    }
    for (const property of this.propertiesOf(node, CHECKLIST_KEYS, ' in "checklist"')) {
      const value = property.value;
      if (property.key === 'baseBranch') {
        if (value.kind === 'string' && value.value.trim() !== '') checklist.baseBranch = value.value.trim();
        else this.problem(value.start, `"checklist.baseBranch" must be a branch name, found ${describeKind(value)}`);
      } else if (property.key === 'items') {
        checklist.items = this.validateChecklistItems(value);
      } else if (property.key === 'maxWarnings') {
        if (value.kind === 'number' && Number.isInteger(value.value) && value.value >= 0) checklist.maxWarnings = value.value;
        else this.problem(value.start, `"checklist.maxWarnings" must be a whole number of 0 or more, found ${describeKind(value)}`);
      }
    }
    return checklist;
  }

  private validateChecklistItems(node: JsonNode): ChecklistItemConfig[] {
    if (node.kind !== 'array') {
      this.problem(node.start, `"checklist.items" must be an array of { "id", "title" } objects, found ${describeKind(node)}`);
      return [];
    }
    const items: ChecklistItemConfig[] = [];
    const ids = new Set<string>();
    for (const itemNode of node.items) {
      const item = this.validateChecklistItem(itemNode);
      if (!item) continue;
      if (ids.has(item.id)) {
        this.problem(itemNode.start, `duplicate checklist item id "${item.id}"`);
        continue;
      }
      ids.add(item.id);
      items.push(item);
    }
    return items;
  }

  private validateChecklistItem(node: JsonNode): ChecklistItemConfig | undefined {
    if (node.kind !== 'object') {
      this.problem(node.start, `a checklist item must be an object with "id" and "title", found ${describeKind(node)}`);
      return undefined;
    }
    let id: string | undefined;
    let title: string | undefined;
    let required: boolean | undefined;
    for (const property of this.propertiesOf(node, CHECKLIST_ITEM_KEYS, ' in a checklist item')) {
      const value = property.value;
      if (property.key === 'required') {
        if (value.kind === 'boolean') required = value.value;
        else this.problem(value.start, `checklist item "required" must be true or false, found ${describeKind(value)}`);
      } else if (value.kind === 'string' && value.value.trim() !== '') {
        if (property.key === 'id') id = value.value.trim();
        else title = value.value.trim();
      } else {
        this.problem(value.start, `checklist item "${property.key}" must be a non-empty string, found ${describeKind(value)}`);
      }
    }
    for (const [key, value] of [['id', id], ['title', title]] as const) {
      if (value === undefined && !node.properties.some((p) => p.key === key)) {
        this.problem(node.start, `a checklist item needs ${key === 'id' ? 'an' : 'a'} "${key}"`);
      }
    }
    if (id === undefined || title === undefined) return undefined;
    return required === undefined ? { id, title } : { id, title, required };
  }
}

export function validateConfigDocument(root: JsonNode, knownRuleIds: ReadonlySet<string>): { config: PartialConfig; problems: ValidationProblem[] } {
  const validator = new ConfigValidator(knownRuleIds);
  const config = validator.validateRoot(root);
  return { config, problems: validator.problems };
}

export function validateRulesValue(node: JsonNode, knownRuleIds: ReadonlySet<string>): { rules: Record<string, RuleSetting>; problems: ValidationProblem[] } {
  const validator = new ConfigValidator(knownRuleIds);
  return { rules: validator.validateRules(node), problems: validator.problems };
}

export function validateFixesValue(node: JsonNode, name: string): { fixes: Partial<FixesConfig>; problems: ValidationProblem[] } {
  const validator = new ConfigValidator(new Set());
  return { fixes: validator.validateFixes(node, name), problems: validator.problems };
}

export function validateIgnoreValue(node: JsonNode): { ignore: string[]; problems: ValidationProblem[] } {
  const validator = new ConfigValidator(new Set());
  return { ignore: validator.validateIgnore(node), problems: validator.problems };
}

/** Wraps a plain value (from editor settings) as a JSON node without positions. */
export function nodeFromValue(value: unknown, depth = 0): JsonNode {
  const at = { start: 0, end: 0 };
  if (value === null || value === undefined) return { kind: 'null', ...at };
  // Settings arrive already parsed; beyond the depth a config file may have, they are read as null (and reported as such).
  if (typeof value === 'object' && depth >= MAX_JSON_DEPTH) return { kind: 'null', ...at };
  if (Array.isArray(value)) return { kind: 'array', items: value.map((item) => nodeFromValue(item, depth + 1)), ...at };
  switch (typeof value) {
    case 'string':
      return { kind: 'string', value, ...at };
    case 'number':
      return { kind: 'number', value, ...at };
    case 'boolean':
      return { kind: 'boolean', value, ...at };
    case 'object':
      return {
        kind: 'object',
        properties: Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, keyStart: 0, keyEnd: 0, value: nodeFromValue(v, depth + 1) })),
        ...at,
      };
    default:
      return { kind: 'null', ...at };
  }
}
