/**
 * The models of a Prisma schema (`schema.prisma`, or the files of a `prisma/schema/` folder) as far as
 * the tables and columns they read go: each model's table (`@@map`), its scalar fields' columns
 * (`@map`), and the fields of other models that hold it (relations, read by `include`/`select`).
 */
export interface PrismaModel {
  name: string;
  table: string;
  /** Column name → field name, for the fields the client selects by default (scalars and enums). */
  columns: Map<string, string>;
}

export interface PrismaSchema {
  modelOfTable(table: string): PrismaModel | undefined;
  hasModel(name: string): boolean;
  /** Fields of other models whose type is `model` (`tags TaskTag[]` on TaskRun): the names code loads it by. */
  relationsTo(model: string): { owner: string; field: string }[];
}

const MODEL_START = /^\s*model\s+(\w+)\s*\{/;
const FIELD = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/;
const TABLE_MAP = /@@map\(\s*(?:name:\s*)?"([^"]+)"/;
const COLUMN_MAP = /@map\(\s*(?:name:\s*)?"([^"]+)"/;

export function readPrismaSchema(texts: readonly string[]): PrismaSchema {
  const models = new Map<string, PrismaModel>();
  const fieldTypes: { owner: string; field: string; type: string; attributes: string }[] = [];
  for (const text of texts) {
    let current: PrismaModel | undefined;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '');
      const start = MODEL_START.exec(line);
      if (start) {
        current = { name: start[1]!, table: start[1]!, columns: new Map() };
        models.set(current.name, current);
        continue;
      }
      if (!current) continue;
      if (line.trim() === '}') {
        current = undefined;
        continue;
      }
      const tableMap = TABLE_MAP.exec(line);
      if (tableMap) current.table = tableMap[1]!;
      const field = FIELD.exec(line);
      if (field && !line.trim().startsWith('@@')) fieldTypes.push({ owner: current.name, field: field[1]!, type: field[2]!, attributes: field[5] ?? '' });
    }
  }
  for (const { owner, field, type, attributes } of fieldTypes) {
    if (models.has(type)) continue;
    models.get(owner)!.columns.set(COLUMN_MAP.exec(attributes)?.[1] ?? field, field);
  }
  const byTable = new Map([...models.values()].map((model) => [model.table, model]));
  return {
    modelOfTable: (table) => byTable.get(table),
    hasModel: (name) => models.has(name),
    relationsTo: (model) => fieldTypes.filter((f) => f.type === model && f.owner !== model).map((f) => ({ owner: f.owner, field: f.field })),
  };
}
