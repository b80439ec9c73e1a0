import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * jsii carries classes, interfaces and enums to every language and into API.md; an exported function, constant or
 * type alias compiles in TypeScript but is silently left out of the other languages and of API.md. The library's
 * entry point must export none of them.
 */
const JSII_KINDS = ['ClassDeclaration', 'InterfaceDeclaration', 'EnumDeclaration'];

/** The exports of a module and of the modules it re-exports, read from the syntax (no type checking: fast). */
function exportsOf(file: string): { name: string; kind: string }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.ES2020, true);
  const found: { name: string; kind: string }[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const target = path.join(path.dirname(file), statement.moduleSpecifier.text);
      const inner = exportsOf(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
      const clause = statement.exportClause;
      const names = clause && ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : undefined;
      found.push(...inner.filter((e) => names === undefined || names.includes(e.name)));
      continue;
    }
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) {
      continue;
    }
    const kind = ts.SyntaxKind[statement.kind];
    if (ts.isVariableStatement(statement)) {
      found.push(...statement.declarationList.declarations.map((d) => ({ name: d.name.getText(source), kind })));
    } else {
      found.push({ name: (statement as ts.DeclarationStatement).name?.getText(source) ?? '(default)', kind });
    }
  }
  return found;
}

describe('public surface', () => {
  test('lib/index.ts exports only what jsii carries to every language (classes, interfaces, enums)', () => {
    const exported = exportsOf(path.join(__dirname, '..', 'lib', 'index.ts'));
    expect(exported.length).toBeGreaterThan(50);
    expect(exported.filter((e) => !JSII_KINDS.includes(e.kind))).toEqual([]);
  });

  test('the check finds TypeScript-only exports behind a re-export (negative control)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'surface-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), 'export function f() {}\nexport const c = 1;\nexport type T = string;\nexport class K {}\nexport enum E { A }\n');
    fs.writeFileSync(path.join(dir, 'index.ts'), "export * from './a';\n");
    const found = exportsOf(path.join(dir, 'index.ts')).filter((e) => !JSII_KINDS.includes(e.kind)).map((e) => e.name).sort();
    expect(found).toEqual(['T', 'c', 'f']);
  });
});
