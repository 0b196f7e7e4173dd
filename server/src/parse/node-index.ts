import { ts, type KindToNodeMappings, type Node, type SourceFile, type SyntaxKind } from 'ts-morph';

/**
 * Every node of one file grouped by kind, in document order, from one walk
 * over the compiler's tree. ts-morph wrappers are made only for the kinds
 * someone asks for: wrapping every node of a large file costs more memory
 * and time than the walk itself.
 */
export class NodeIndex {
  private readonly byKind = new Map<SyntaxKind, ts.Node[]>();
  private readonly wrapped = new Map<SyntaxKind, Node[]>();

  constructor(readonly sourceFile: SourceFile) {
    const byKind = this.byKind;
    const visit = (node: ts.Node): void => {
      const list = byKind.get(node.kind as number as SyntaxKind);
      if (list) list.push(node);
      else byKind.set(node.kind as number as SyntaxKind, [node]);
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sourceFile.compilerNode, visit);
  }

  /** The file's nodes of `kind`, in document order. */
  ofKind<K extends SyntaxKind>(kind: K): KindToNodeMappings[K][] {
    let nodes = this.wrapped.get(kind);
    if (!nodes) {
      nodes = (this.byKind.get(kind) ?? []).map((node) => wrapCompilerNode(this.sourceFile, node));
      this.wrapped.set(kind, nodes);
    }
    return nodes as KindToNodeMappings[K][];
  }

  /** The compiler nodes of `kind`, unwrapped: for a cheap look at many nodes before wrapping the few that matter. */
  compilerNodesOfKind(kind: SyntaxKind): readonly ts.Node[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The compiler nodes of the given kinds, merged in document order (for dispatching to listeners). */
  inDocumentOrder(kinds: Iterable<SyntaxKind>): { kind: SyntaxKind; node: Node }[] {
    const entries: { kind: SyntaxKind; compiler: ts.Node }[] = [];
    for (const kind of kinds) for (const compiler of this.byKind.get(kind) ?? []) entries.push({ kind, compiler });
    // Outer nodes first where two start at the same position, as a depth-first walk visits them.
    entries.sort((a, b) => a.compiler.pos - b.compiler.pos || b.compiler.end - a.compiler.end);
    return entries.map(({ kind, compiler }) => ({ kind, node: wrapCompilerNode(this.sourceFile, compiler) }));
  }
}

const indexes = new WeakMap<ts.SourceFile, NodeIndex>();

/** The index of a file's current text: built on first use, shared by the engine and every facts module. */
export function nodeIndexOf(sourceFile: SourceFile): NodeIndex {
  let index = indexes.get(sourceFile.compilerNode);
  if (!index) {
    index = new NodeIndex(sourceFile);
    indexes.set(sourceFile.compilerNode, index);
  }
  return index;
}

/** The ts-morph wrapper of a compiler node of `sourceFile` (the same wrapper ts-morph itself hands out). */
export function wrapCompilerNode(sourceFile: SourceFile, node: ts.Node): Node {
  return (sourceFile as unknown as { _getNodeFromCompilerNode(node: ts.Node): Node })._getNodeFromCompilerNode(node);
}
