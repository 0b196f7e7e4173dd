import * as assert from 'node:assert/strict';
import type { CallExpression, SourceFile } from 'ts-morph';
import { FileFacts } from 'preflight-server';
import { databaseCallOf, designedFailureOfDatabaseCall, isDatabaseWrite } from 'preflight-server/out/facts/database';
import { declaredInstanceOrigin } from 'preflight-server/out/facts/declared-types';
import { callExpressionStartingWith, withFile, withFiles } from '../support/facts-project';

interface Judged {
  call?: string;
  designed?: string;
  write: boolean;
}

/** What the database facts say about the first call starting with `prefix`. */
function judge(sourceFile: SourceFile, prefix: string): Judged {
  const call: CallExpression = callExpressionStartingWith(sourceFile, prefix);
  const facts = FileFacts.of(sourceFile);
  const database = databaseCallOf(call, facts);
  const designed = designedFailureOfDatabaseCall(call, facts);
  return {
    call: database && `${database.library.id} ${database.model}.${database.method} via ${database.via}`,
    designed: designed && (designed.kind === 'keyed-write' ? `keyed-write ${designed.outcome}` : designed.kind),
    write: isDatabaseWrite(call, facts),
  };
}

describe('facts/database and declared-types', () => {
  it("new PrismaClient() from '@prisma/client': findUniqueOrThrow is a lookup, update/delete keyed writes (not found), create a keyed write (exists)", () => {
    withFile(
      `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function go(id: string) {
  await prisma.user.findUniqueOrThrow({ where: { id } });
  await prisma.user.findMany();
  await prisma.user.update({ where: { id }, data: {} });
  await prisma.user.delete({ where: { id } });
  await prisma.user.create({ data: { id } });
  await prisma.user.updateMany({ data: {} });
  await prisma.$transaction([]);
}`,
      (sourceFile) => {
        assert.deepEqual(judge(sourceFile, 'prisma.user.findUniqueOrThrow'), { call: 'prisma user.findUniqueOrThrow via type', designed: 'lookup', write: false });
        assert.deepEqual(judge(sourceFile, 'prisma.user.findMany'), { call: 'prisma user.findMany via type', designed: undefined, write: false });
        assert.deepEqual(judge(sourceFile, 'prisma.user.update('), { call: 'prisma user.update via type', designed: 'keyed-write not-found', write: true });
        assert.deepEqual(judge(sourceFile, 'prisma.user.delete'), { call: 'prisma user.delete via type', designed: 'keyed-write not-found', write: true });
        assert.deepEqual(judge(sourceFile, 'prisma.user.create'), { call: 'prisma user.create via type', designed: 'keyed-write exists', write: true });
        assert.deepEqual(judge(sourceFile, 'prisma.user.updateMany'), { call: 'prisma user.updateMany via type', designed: undefined, write: true });
        assert.deepEqual(judge(sourceFile, 'prisma.$transaction'), { call: undefined, designed: undefined, write: true });
      },
    );
  });

  it('a PrismaService that extends PrismaClient, in another file, injected as private readonly prisma: PrismaService', () => {
    withFiles(
      {
        'prisma.service.ts': `import { PrismaClient } from '@prisma/client';\nexport class PrismaService extends PrismaClient {}\n`,
        'users.service.ts': `import { PrismaService } from './prisma.service';
export class UsersService {
  constructor(private readonly database: PrismaService) {}
  find(id: string) { return this.database.user.findUniqueOrThrow({ where: { id } }); }
  rename(id: string) { return this.database.user.update({ where: { id }, data: {} }); }
}`,
      },
      (file) => {
        const users = file('users.service.ts');
        const facts = FileFacts.of(users);
        const receiver = callExpressionStartingWith(users, 'this.database.user.findUniqueOrThrow').getExpression().getFirstDescendant((n) => n.getText() === 'this.database');
        assert.ok(receiver);
        assert.deepEqual(declaredInstanceOrigin(receiver, facts), { module: '@prisma/client', className: 'PrismaClient' });
        // The receiver's name says nothing: only the declared type can tell.
        assert.deepEqual(judge(users, 'this.database.user.findUniqueOrThrow'), { call: 'prisma user.findUniqueOrThrow via type', designed: 'lookup', write: false });
        assert.deepEqual(judge(users, 'this.database.user.update'), { call: 'prisma user.update via type', designed: 'keyed-write not-found', write: true });
      },
    );
  });

  it('a project class that extends nothing from a package is not a client, whatever its methods are called', () => {
    withFile(
      `class Store { user = { update(x: unknown) { return x; } }; }
export class UsersService {
  constructor(private readonly store: Store) {}
  rename(id: string) { return this.store.user.update({ id }); }
}`,
      (sourceFile) => {
        assert.deepEqual(judge(sourceFile, 'this.store.user.update'), { call: undefined, designed: undefined, write: false });
      },
    );
  });

  it('a client generated to a custom output and imported by a relative path (./generated/prisma/client)', () => {
    withFile(
      `import { PrismaClient } from './generated/prisma/client';
export class UsersService {
  constructor(private readonly database: PrismaClient) {}
  find(id: string) { return this.database.user.findUniqueOrThrow({ where: { id } }); }
  remove(id: string) { return this.database.user.delete({ where: { id } }); }
}`,
      (sourceFile) => {
        assert.deepEqual(judge(sourceFile, 'this.database.user.findUniqueOrThrow'), { call: 'prisma user.findUniqueOrThrow via type', designed: 'lookup', write: false });
        assert.deepEqual(judge(sourceFile, 'this.database.user.delete'), { call: 'prisma user.delete via type', designed: 'keyed-write not-found', write: true });
      },
    );
  });

  it('an injected PrismaService whose file is not loaded is still recognised by the name of the receiver', () => {
    withFile(
      `import { PrismaService } from '../prisma/prisma.service';
export class UsersService {
  constructor(private readonly prisma: PrismaService) {}
  rename(id: string) { return this.prisma.user.update({ where: { id }, data: {} }); }
}`,
      (sourceFile) => {
        assert.deepEqual(judge(sourceFile, 'this.prisma.user.update'), { call: 'prisma user.update via name', designed: 'keyed-write not-found', write: true });
      },
    );
  });

  it('a client generated to a custom output and imported through an alias (src/generated/prisma)', () => {
    withFile(
      `import { PrismaClient } from 'src/generated/prisma';
const database = new PrismaClient();
export const find = (id: string) => database.user.findFirstOrThrow({ where: { id } });`,
      (sourceFile) => {
        assert.deepEqual(judge(sourceFile, 'database.user.findFirstOrThrow'), { call: 'prisma user.findFirstOrThrow via type', designed: 'lookup', write: false });
      },
    );
  });

  it('(tx || this.prisma).user.findUniqueOrThrow and tx: Prisma.TransactionClient', () => {
    withFile(
      `import { Prisma, PrismaClient } from '@prisma/client';
export class Accounts {
  constructor(private readonly prisma: PrismaClient) {}
  find(id: string, tx?: Prisma.TransactionClient) {
    return (tx || this.prisma).user.findUniqueOrThrow({ where: { id } });
  }
  move(id: string, store: Prisma.TransactionClient) {
    return store.account.update({ where: { id }, data: {} });
  }
}`,
      (sourceFile) => {
        assert.deepEqual(judge(sourceFile, '(tx || this.prisma).user.findUniqueOrThrow'), { call: 'prisma user.findUniqueOrThrow via type', designed: 'lookup', write: false });
        assert.deepEqual(judge(sourceFile, 'store.account.update'), { call: 'prisma account.update via type', designed: 'keyed-write not-found', write: true });
        const facts = FileFacts.of(sourceFile);
        const store = callExpressionStartingWith(sourceFile, 'store.account.update').getFirstDescendant((n) => n.getText() === 'store');
        assert.ok(store);
        assert.deepEqual(declaredInstanceOrigin(store, facts), { module: '@prisma/client', className: 'TransactionClient' });
      },
    );
  });

  it('without a visible type, a receiver conventionally named prisma or tx is recognised by name', () => {
    withFile(
      `export async function go(prisma: any, id: string) {
  await prisma.user.update({ where: { id } });
}`,
      (sourceFile) => {
        assert.deepEqual(judge(sourceFile, 'prisma.user.update'), { call: 'prisma user.update via name', designed: 'keyed-write not-found', write: true });
      },
    );
  });

  it("a Map's .delete and a class of another package are not database calls", () => {
    withFile(
      `import { Redis } from 'ioredis';
export class Sessions {
  private readonly sessions = new Map<string, number>();
  private readonly state = { sessions: new Map<string, number>() };
  constructor(private readonly redis: Redis) {}
  end(id: string) {
    this.sessions.delete(id);
    this.state.sessions.delete(id);
    const local = new Map<string, number>();
    local.delete(id);
    return this.redis.client.delete(id);
  }
}`,
      (sourceFile) => {
        for (const prefix of ['this.sessions.delete', 'this.state.sessions.delete', 'local.delete', 'this.redis.client.delete']) {
          assert.deepEqual(judge(sourceFile, prefix), { call: undefined, designed: undefined, write: false }, prefix);
        }
      },
    );
  });

  it("TypeORM's findOneOrFail is a lookup on any receiver", () => {
    withFile(`export const load = (repo: any, id: string) => repo.findOneOrFail({ where: { id } });`, (sourceFile) => {
      assert.deepEqual(judge(sourceFile, 'repo.findOneOrFail'), { call: undefined, designed: 'lookup', write: false });
    });
  });
});
