/** Writes docs/CHANGE-SAFETY.md from the change-safety cases (test/support/change-cases.ts). */
import * as fs from 'fs';
import * as path from 'path';
import { CASES, renderChangeSafetyDoc, runCase } from '../test/support/change-cases';

process.env.CDK_VALIDATION = 'false';
const file = path.join(__dirname, '..', 'docs', 'CHANGE-SAFETY.md');
fs.writeFileSync(file, renderChangeSafetyDoc(CASES.map(runCase)));
console.log(`wrote ${path.relative(process.cwd(), file)} from ${CASES.length} cases`);
