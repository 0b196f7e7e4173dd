import { ts } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { indentationAt, newlineOf } from './layout';

/**
 * Adds `"name": "version"` to the `dependencies` of a package.json's text, in
 * alphabetical place among the entries and in the file's own indentation;
 * adds the `dependencies` object when there is none. Parsed with TypeScript's
 * JSON parser, so offsets are exact. Undefined when the text is not a JSON
 * object or already lists the package there.
 */
export function addDependency(fileName: string, text: string, name: string, version: string): TextEdit[] | undefined {
  const json = ts.parseJsonText(fileName, text);
  const root = rootObject(json);
  if (!root) return undefined;
  const startOf = (node: ts.Node): number => node.getStart(json);
  const entry = `${JSON.stringify(name)}: ${JSON.stringify(version)}`;
  const dependencies = propertyNamed(root, 'dependencies');
  if (!dependencies) return [addSection(root, text, entry, startOf)];
  const section = dependencies.initializer;
  if (!ts.isObjectLiteralExpression(section)) return undefined;
  if (propertyNamed(section, name)) return undefined;
  return [addEntry(dependencies, section, text, entry, name, startOf)];
}

function rootObject(json: ts.JsonSourceFile): ts.ObjectLiteralExpression | undefined {
  const statement = json.statements[0];
  const expression = statement?.expression;
  return expression && ts.isObjectLiteralExpression(expression) ? expression : undefined;
}

function propertyNamed(object: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined {
  return object.properties.find((property): property is ts.PropertyAssignment => ts.isPropertyAssignment(property) && ts.isStringLiteral(property.name) && property.name.text === name);
}

type StartOf = (node: ts.Node) => number;

function addEntry(property: ts.PropertyAssignment, section: ts.ObjectLiteralExpression, text: string, entry: string, name: string, startOf: StartOf): TextEdit {
  const entries = section.properties;
  const newline = newlineOf(text);
  const sectionIndent = indentationAt(text, startOf(property));
  if (entries.length === 0) {
    const inner = sectionIndent + indentUnitOf(text);
    const open = startOf(section);
    return { start: open, end: section.end, newText: `{${newline}${inner}${entry}${newline}${sectionIndent}}` };
  }
  const indent = indentationAt(text, startOf(entries[0]!));
  const next = entries.find((property) => ts.isPropertyAssignment(property) && ts.isStringLiteral(property.name) && property.name.text > name);
  if (next) {
    const at = startOf(next);
    return { start: at, end: at, newText: `${entry},${newline}${indent}` };
  }
  const last = entries[entries.length - 1]!;
  return { start: last.end, end: last.end, newText: `,${newline}${indent}${entry}` };
}

function addSection(root: ts.ObjectLiteralExpression, text: string, entry: string, startOf: StartOf): TextEdit {
  const newline = newlineOf(text);
  const properties = root.properties;
  const last = properties[properties.length - 1];
  const unit = indentUnitOf(text);
  if (!last) return { start: startOf(root), end: root.end, newText: `{${newline}${unit}"dependencies": {${newline}${unit}${unit}${entry}${newline}${unit}}${newline}}` };
  const indent = indentationAt(text, startOf(last));
  return { start: last.end, end: last.end, newText: `,${newline}${indent}"dependencies": {${newline}${indent}${unit}${entry}${newline}${indent}}` };
}

/** The indentation step of the file: the whitespace of its first indented line, two spaces when it has none. */
function indentUnitOf(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}
