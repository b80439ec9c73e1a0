import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The layers of docs/ARCHITECTURE.md, as the imports of lib/ hold them: a layer imports only from the layers below it
 * (and from private/); private/ imports the public layers only for their types; no two files import each other,
 * directly or around a loop.
 */
const LIB = path.join(__dirname, '..', 'lib');
const RANK: { [layer: string]: number } = { network: 0, msk: 1, connect: 2, clickhouse: 3, cdc: 3, examples: 4 };

interface Import { readonly from: string; readonly to: string; readonly typeOnly: boolean }

function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      return e.name === 'handlers' ? [] : libFiles(full); // bundled separately; they import no library code
    }
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.ES2020, true);
  return source.statements.flatMap((s) => {
    if (!(ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) {
      return [];
    }
    const spec = s.moduleSpecifier.text;
    if (!spec.startsWith('.')) {
      return [];
    }
    const target = path.join(path.dirname(file), spec);
    const to = fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
    const typeOnly = ts.isImportDeclaration(s) ? !!s.importClause?.isTypeOnly : s.isTypeOnly;
    return [{ from: path.relative(LIB, file), to: path.relative(LIB, to), typeOnly }];
  });
}

const layerOf = (file: string) => file.includes('/') ? file.split('/')[0] : '(root)';

/** Imports that break the layer rules. */
function layerViolations(imports: Import[]): string[] {
  return imports.filter((i) => {
    const [from, to] = [layerOf(i.from), layerOf(i.to)];
    if (from === '(root)' || to === 'private') {
      return false; // lib/index.ts re-exports every layer; every layer may use private/
    }
    if (from === 'private') {
      return !i.typeOnly;
    }
    return !(to in RANK) || RANK[to] > RANK[from] || (RANK[to] === RANK[from] && from !== to);
  }).map((i) => `${i.from} -> ${i.to}${i.typeOnly ? ' (type)' : ''}`);
}

/** The first import loop found, as the files around it; type-only imports from private/ are not edges. */
function findCycle(imports: Import[]): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const i of imports.filter((x) => !(layerOf(x.from) === 'private' && x.typeOnly) && layerOf(x.from) !== '(root)')) {
    edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'open') {
      return [...stack.slice(stack.indexOf(node)), node];
    }
    if (state.get(node) === 'done') {
      return undefined;
    }
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) {
        return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) {
      return cycle;
    }
  }
  return undefined;
}

describe('architecture', () => {
  const imports = libFiles().flatMap(importsOf);

  test('every layer imports only from the layers below it; private/ imports public layers only for types', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(layerViolations(imports)).toEqual([]);
  });

  test('no import loop between the files of lib/', () => {
    expect(findCycle(imports)).toBeUndefined();
  });

  test('the checks find a layer break and a loop (negative controls)', () => {
    const made = [
      { from: 'msk/msk-cluster.ts', to: 'connect/msk-connector.ts', typeOnly: true },
      { from: 'private/roles.ts', to: 'msk/msk-cluster.ts', typeOnly: false },
      { from: 'cdc/a.ts', to: 'clickhouse/b.ts', typeOnly: false },
      { from: 'connect/msk-connector.ts', to: 'msk/msk-cluster.ts', typeOnly: false },
    ];
    expect(layerViolations(made)).toEqual(['msk/msk-cluster.ts -> connect/msk-connector.ts (type)', 'private/roles.ts -> msk/msk-cluster.ts', 'cdc/a.ts -> clickhouse/b.ts']);
    expect(findCycle(made)).toEqual(['msk/msk-cluster.ts', 'connect/msk-connector.ts', 'msk/msk-cluster.ts']);
  });
});
