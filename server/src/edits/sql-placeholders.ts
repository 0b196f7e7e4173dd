import { Node, type TemplateExpression } from 'ts-morph';

/** How a parameterised statement names its values: `$1`, `?`, or a tagged template that binds each `${}`. */
export type PlaceholderStyle = 'numbered' | 'question' | 'tagged';

export interface ParameterisedSql {
  /** The statement as a template literal, with placeholders (or, tagged, the same `${}`s) where the values were. */
  template: string;
  /** The values' source text, in order. */
  values: string[];
}

/**
 * SQL text written as one template literal, rewritten so that every
 * interpolated value is bound instead of spliced: `'${x}'` and `${x}` become
 * `$1`/`?` (the quotes go: the driver quotes), or stay `${x}` for a tagged
 * template. Undefined when `isValue` says an interpolation is not a value
 * (an identifier, a fragment of SQL), or the text already has placeholders of
 * that style: the rewrite would change the statement.
 */
export function parameterisedSql(template: TemplateExpression, style: PlaceholderStyle, isValue: (index: number) => boolean): ParameterisedSql | undefined {
  const literals = [template.getHead(), ...template.getTemplateSpans().map((span) => span.getLiteral())].map(rawLiteralText);
  const joined = literals.join('');
  if ((style === 'numbered' && /\$\d/.test(joined)) || (style === 'question' && joined.includes('?'))) return undefined;
  const spans = template.getTemplateSpans();
  const values: string[] = [];
  let text = '';
  for (let i = 0; i < spans.length; i++) {
    if (!isValue(i)) return undefined;
    let before = literals[i]!;
    let after = literals[i + 1]!;
    const quoted = before.endsWith("'") && after.startsWith("'");
    if (quoted) {
      before = before.slice(0, -1);
      after = after.slice(1);
    } else if (before.endsWith("'") || after.startsWith("'")) {
      // `'%${x}%'` and the like: the value is part of a literal, not one.
      return undefined;
    }
    literals[i + 1] = after;
    const expression = spans[i]!.getExpression().getText();
    values.push(expression);
    const placeholder = style === 'numbered' ? `$${values.length}` : style === 'question' ? '?' : `\${${expression}}`;
    text += before + placeholder;
  }
  text += literals[spans.length]!;
  return { template: '`' + text + '`', values };
}

/** The raw text of a template's head, middle or tail, without its backtick, `${` and `}` delimiters. */
function rawLiteralText(part: Node): string {
  const text = part.getText();
  const start = text.startsWith('`') || text.startsWith('}') ? 1 : 0;
  const end = text.endsWith('${') ? text.length - 2 : text.endsWith('`') ? text.length - 1 : text.length;
  return text.slice(start, end);
}
