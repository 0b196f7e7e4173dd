import type { Node, SourceFile, TypeChecker } from 'ts-morph';
import { resolveOrigin, type Origin } from './origin';
import { nodeIndexOf, type NodeIndex } from '../parse/node-index';
import { projectGeneration } from '../parse/project';

/**
 * What the engine knows about one file, computed lazily and at most once per
 * analysis: each facts module (http, ...) memoises its own table here, so every
 * rule that asks the same question shares one answer.
 */
export class FileFacts {
  private readonly memos = new Map<string, unknown>();
  private readonly origins = new Map<Node, Origin>();

  constructor(readonly sourceFile: SourceFile) {}

  private static readonly byFile = new WeakMap<object, { generation: number; facts: FileFacts }>();

  /**
   * The facts of a file's current text, shared by every rule and by summaries of functions in other files.
   * Made afresh whenever a file of the project changed: the answers hold symbols and types of the type
   * checker they were computed with, and an unchanged file kept in the program (an import of the edited
   * one) would otherwise keep every old checker alive, one per edit.
   */
  static of(sourceFile: SourceFile): FileFacts {
    const generation = projectGeneration(sourceFile.getProject());
    const entry = FileFacts.byFile.get(sourceFile.compilerNode);
    if (entry && entry.generation === generation) return entry.facts;
    const facts = new FileFacts(sourceFile);
    FileFacts.byFile.set(sourceFile.compilerNode, { generation, facts });
    return facts;
  }

  /** The file's nodes by kind, from the one walk over the file that the engine and every facts module share. */
  get nodes(): NodeIndex {
    return nodeIndexOf(this.sourceFile);
  }

  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** The facts of another file (a callee's, a base class's). */
  forFile(sourceFile: SourceFile): FileFacts {
    return sourceFile === this.sourceFile ? this : FileFacts.of(sourceFile);
  }

  /** Where an expression's value comes from (import, require, global, call result). */
  origin(expression: Node): Origin {
    let origin = this.origins.get(expression);
    if (!origin) {
      origin = resolveOrigin(expression);
      this.origins.set(expression, origin);
    }
    return origin;
  }

  get typeChecker(): TypeChecker {
    return this.sourceFile.getProject().getTypeChecker();
  }
}

export * from './origin';
