/**
 * A strict JSON parser that keeps the offsets of every value and key, so that a
 * problem in preflight.config.json can be reported at the exact spot.
 */

interface JsonNodeBase {
  start: number;
  end: number;
}

export interface JsonProperty {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export type JsonNode =
  | (JsonNodeBase & { kind: 'object'; properties: JsonProperty[] })
  | (JsonNodeBase & { kind: 'array'; items: JsonNode[] })
  | (JsonNodeBase & { kind: 'string'; value: string })
  | (JsonNodeBase & { kind: 'number'; value: number })
  | (JsonNodeBase & { kind: 'boolean'; value: boolean })
  | (JsonNodeBase & { kind: 'null' });

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Deeper JSON is refused: a config needs a few levels, and the tree is walked recursively. */
export const MAX_JSON_DEPTH = 64;

class JsonParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonNode {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw new JsonSyntaxError('the file is empty: expected a JSON object', this.pos);
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      throw new JsonSyntaxError(`unexpected ${this.describeHere()} after the end of the JSON value`, this.pos);
    }
    return value;
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'end of file';
    const ch = this.text[this.pos]!;
    if (ch === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) return 'comment (comments are not allowed in JSON)';
    return `'${ch}'`;
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.pos++;
      else break;
    }
  }

  private expect(ch: string, what: string): void {
    if (this.text[this.pos] !== ch) throw new JsonSyntaxError(`expected ${what}, found ${this.describeHere()}`, this.pos);
    this.pos++;
  }

  private parseValue(): JsonNode {
    const ch = this.text[this.pos];
    if (ch === '{' || ch === '[') return this.parseNested(ch);
    if (ch === '"') return this.parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.parseNumber();
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        const start = this.pos;
        this.pos += word.length;
        return { ...node, start, end: this.pos } as JsonNode;
      }
    }
    throw new JsonSyntaxError(`expected a value, found ${this.describeHere()}`, this.pos);
  }

  private parseNested(open: '{' | '['): JsonNode {
    if (this.depth >= MAX_JSON_DEPTH) throw new JsonSyntaxError(`objects and arrays nested more than ${MAX_JSON_DEPTH} levels deep`, this.pos);
    this.depth++;
    const node = open === '{' ? this.parseObject() : this.parseArray();
    this.depth--;
    return node;
  }

  private parseObject(): JsonNode {
    const start = this.pos;
    this.pos++;
    const properties: JsonProperty[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', properties, start, end: this.pos };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') {
        const trailing = this.text[this.pos] === '}' && properties.length > 0;
        throw new JsonSyntaxError(
          trailing ? 'trailing comma before \'}\' (not allowed in JSON)' : `expected a property name in double quotes, found ${this.describeHere()}`,
          this.pos,
        );
      }
      const keyNode = this.parseString() as Extract<JsonNode, { kind: 'string' }>;
      this.skipWhitespace();
      this.expect(':', "':' after the property name");
      this.skipWhitespace();
      const value = this.parseValue();
      properties.push({ key: keyNode.value, keyStart: keyNode.start, keyEnd: keyNode.end, value });
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}', "',' or '}'");
      return { kind: 'object', properties, start, end: this.pos };
    }
  }

  private parseArray(): JsonNode {
    const start = this.pos;
    this.pos++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items, start, end: this.pos };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === ']' && items.length > 0) {
        throw new JsonSyntaxError("trailing comma before ']' (not allowed in JSON)", this.pos);
      }
      items.push(this.parseValue());
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']', "',' or ']'");
      return { kind: 'array', items, start, end: this.pos };
    }
  }

  private parseString(): JsonNode {
    const start = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      if (this.pos >= this.text.length) throw new JsonSyntaxError('unterminated string', start);
      const ch = this.text[this.pos]!;
      if (ch === '"') {
        this.pos++;
        return { kind: 'string', value, start, end: this.pos };
      }
      if (ch === '\n' || ch === '\r') throw new JsonSyntaxError('unterminated string (line break inside a string)', start);
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('invalid \\u escape in string', this.pos);
          value += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
          continue;
        }
        const escaped = next === undefined ? undefined : ESCAPES[next];
        if (escaped === undefined) throw new JsonSyntaxError(`invalid escape '\\${next ?? ''}' in string`, this.pos);
        value += escaped;
        this.pos += 2;
        continue;
      }
      value += ch;
      this.pos++;
    }
  }

  private parseNumber(): JsonNode {
    const start = this.pos;
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(start, start + 64));
    if (!match) throw new JsonSyntaxError(`invalid number`, start);
    this.pos += match[0].length;
    return { kind: 'number', value: Number(match[0]), start, end: this.pos };
  }
}

/** Parses strict JSON (no comments, no trailing commas); throws JsonSyntaxError with the offset of the problem. */
export function parseJson(text: string): JsonNode {
  return new JsonParser(text).parseDocument();
}

/** Converts a parsed node back to a plain JavaScript value. */
export function toPlainValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const property of node.properties) result[property.key] = toPlainValue(property.value);
      return result;
    }
    case 'array':
      return node.items.map(toPlainValue);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/**
 * Positions of many offsets in one text: the line starts are found once, each
 * lookup is a binary search (locating every problem from offset 0 is quadratic).
 */
export function lineLocator(text: string): (offset: number) => { line: number; character: number } {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (offset) => {
    const clamped = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: Math.max(0, offset - lineStarts[low]!) };
  };
}

/** 0-based line and character of an offset. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: Math.max(0, offset - lineStart) };
}
