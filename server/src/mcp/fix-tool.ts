import * as fs from 'node:fs';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { checkFiles, skippedDetail } from '../cli/check';
import type { FileChange, Finding, Fix, TextEdit } from '../engine/finding';
import { isAnalysablePath } from '../parse/project';
import { plural, ToolInputError, toolResult } from './results';
import { ruleById, type McpWorkspace } from './workspace';

export interface FixToolInput {
  file: string;
  ruleId: string;
  /** 1-based line the finding starts on, as preflight_check reports it. */
  line: number;
  /** Several findings of the rule on the line: the column of the one meant. */
  column?: number;
  fixTitle?: string;
}

/** An edit an agent applies: the text between two 1-based positions (endColumn one past the last character) and what replaces it. */
export interface AgentEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  oldText: string;
  newText: string;
}

export interface AgentFileChange {
  file: string;
  /** The file does not exist yet: create it with this text. */
  create?: string;
  edits?: AgentEdit[];
}

/** What preflight_fix answers (its structuredContent). */
export interface FixAnswer {
  file: string;
  ruleId: string;
  line: number;
  column: number;
  message: string;
  fixTitle: string;
  edits: AgentEdit[];
  otherFiles: AgentFileChange[];
  placeholder?: string;
  otherFixes: string[];
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

/** Offset edits as line/column edits on `text`, first to last (apply them last to first, or all at once). */
export function agentEdits(text: string, edits: readonly TextEdit[]): AgentEdit[] {
  const starts = lineStarts(text);
  return [...edits]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((edit) => {
      const start = positionAt(starts, edit.start);
      const end = positionAt(starts, edit.end);
      return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column, oldText: text.slice(edit.start, edit.end), newText: edit.newText };
    });
}

function otherFileChange(workspace: McpWorkspace, change: FileChange): AgentFileChange {
  const file = workspace.shown(change.file);
  if (change.create !== undefined) return { file, create: change.create };
  return { file, edits: agentEdits(fs.readFileSync(change.file, 'utf8'), change.edits ?? []) };
}

function describeFinding(finding: Finding): string {
  const fixes = finding.fixes.length > 0 ? `fixes: ${finding.fixes.map((fix) => `"${fix.title}"`).join(', ')}` : 'no quick-fix';
  return `${finding.ruleId} at line ${finding.range.start.line + 1}, column ${finding.range.start.character + 1} (${fixes})`;
}

async function findingsOfFile(workspace: McpWorkspace, given: string, ruleId: string): Promise<{ file: string; text: string; findings: Finding[] }> {
  const file = workspace.existingPath(given);
  if (!fs.statSync(file).isFile() || !isAnalysablePath(file)) throw new ToolInputError(`${given} is not a JavaScript or TypeScript file Preflight analyses.`);
  ruleById(ruleId);
  const { config } = workspace.loadConfig();
  const programFacts = workspace.programFacts();
  const checked = await checkFiles([file], { config, programFactsOf: (path) => programFacts.factsFor(path) });
  const [skipped] = checked.skipped;
  if (skipped) throw new ToolInputError(`${workspace.shown(file)}${skippedDetail(skipped)}; it cannot be fixed until it is analysed.`);
  return { file, text: checked.texts.get(file) ?? fs.readFileSync(file, 'utf8'), findings: checked.findings };
}

function chosenFinding(workspace: McpWorkspace, input: FixToolInput, findings: readonly Finding[], file: string): Finding {
  const onLine = findings.filter((finding) => finding.ruleId === input.ruleId && finding.range.start.line + 1 === input.line);
  const match = input.column === undefined ? onLine[0] : onLine.find((finding) => finding.range.start.character + 1 === input.column);
  if (match) return match;
  const ofRule = findings.filter((finding) => finding.ruleId === input.ruleId);
  const where = `${workspace.shown(file)}:${input.line}${input.column === undefined ? '' : `:${input.column}`}`;
  if (ofRule.length === 0) throw new ToolInputError(`There is no ${input.ruleId} finding in ${workspace.shown(file)}${findings.length > 0 ? `; its findings are ${findings.map(describeFinding).join('; ')}` : ''}.`);
  throw new ToolInputError(`There is no ${input.ruleId} finding at ${where}; the ${input.ruleId} findings in the file are ${ofRule.map(describeFinding).join('; ')}.`);
}

function chosenFix(finding: Finding, fixTitle: string | undefined): Fix {
  const titles = finding.fixes.map((fix) => `"${fix.title}"`).join(', ');
  if (finding.fixes.length === 0) throw new ToolInputError(`This ${finding.ruleId} finding has no quick-fix; preflight_explain ${finding.ruleId} says how to fix it by hand.`);
  if (fixTitle === undefined) return finding.fixes[0]!;
  const fix = finding.fixes.find((candidate) => candidate.title === fixTitle) ?? finding.fixes.find((candidate) => candidate.title.toLowerCase() === fixTitle.toLowerCase());
  if (!fix) throw new ToolInputError(`This ${finding.ruleId} finding has no fix titled "${fixTitle}"; its fixes are ${titles}.`);
  return fix;
}

/** `preflight_fix`: the edits of one quick-fix of one finding, for the agent to apply. */
export async function runFixTool(workspace: McpWorkspace, input: FixToolInput): Promise<CallToolResult> {
  const { file, text, findings } = await findingsOfFile(workspace, input.file, input.ruleId);
  const finding = chosenFinding(workspace, input, findings, file);
  const fix = chosenFix(finding, input.fixTitle);
  const shown = workspace.shown(file);
  const structured: FixAnswer = {
    file: shown,
    ruleId: finding.ruleId,
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    message: finding.message,
    fixTitle: fix.title,
    edits: agentEdits(text, fix.edits),
    otherFiles: (fix.files ?? []).map((change) => otherFileChange(workspace, change)),
    ...(fix.placeholder ? { placeholder: fix.placeholder } : {}),
    otherFixes: finding.fixes.filter((other) => other !== fix).map((other) => other.title),
  };
  return toolResult(fixText(structured), { ...structured });
}

function editLines(file: string, edits: readonly AgentEdit[]): string[] {
  return edits.map((edit) => `- ${file}:${edit.line}:${edit.column}-${edit.endLine}:${edit.endColumn} replace ${JSON.stringify(edit.oldText)} with ${JSON.stringify(edit.newText)}`);
}

function fixText(fix: FixAnswer): string {
  const lines = [`Fix "${fix.fixTitle}" for ${fix.ruleId} at ${fix.file}:${fix.line}:${fix.column} (${fix.message})`, `${plural(fix.edits.length, 'edit')} in ${fix.file}, positions in the file as it is now:`];
  lines.push(...editLines(fix.file, fix.edits));
  for (const other of fix.otherFiles) {
    if (other.create !== undefined) lines.push(`Create ${other.file}:`, other.create);
    else lines.push(`${plural(other.edits!.length, 'edit')} in ${other.file}:`, ...editLines(other.file, other.edits!));
  }
  if (fix.placeholder) lines.push(`Replace the placeholder ${JSON.stringify(fix.placeholder)} with the real value: the finding stays until you do.`);
  if (fix.otherFixes.length > 0) lines.push(`Other fixes (pass fixTitle): ${fix.otherFixes.map((title) => `"${title}"`).join(', ')}`);
  return lines.join('\n');
}
