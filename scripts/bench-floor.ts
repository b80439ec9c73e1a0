/**
 * The floor app of the benchmark: an aws-cdk-lib app that emits the example's templates byte for byte, built from raw
 * `CfnResource`s (plus `CfnOutput`, `CfnCondition`, `CfnParameter`, `CfnMapping` for the other sections), generated
 * from the example's cloud assembly. What it keeps, so that `npx cdk synth` does the same work apart from the
 * library's own:
 *
 * - the construct paths of the example (every element at the path it had, logical ids overridden to the example's),
 *   so the templates' `aws:cdk:path` metadata, the cloud assembly's metadata files and tree.json have the same shape;
 * - the acknowledgements the example records with `Validations.of(...).acknowledge()`, so CloudFormation Validate
 *   (cdk.json's `@aws-cdk/core:validateAgainstDefaultRules`) reports the same findings;
 * - the file assets: staged from a copy of the example's staged directories with the same hash computation
 *   (`AssetStaging`, source fingerprint) and registered with the stack synthesizer, so the asset manifests and staged
 *   directories match;
 * - the same stack synthesizer (bootstrap version parameter and rule) and the `CDKMetadata` resource copied raw
 *   (the app's own version reporting is off, since it would describe the floor's constructs instead).
 *
 * `assertSameTemplates` compares the two cloud assemblies and throws on any byte of difference.
 */
import * as fs from 'fs';
import * as path from 'path';

interface TreeNode {
  readonly id: string;
  readonly path: string;
  readonly children?: Record<string, TreeNode>;
}

interface FloorElement {
  /** Construct path below the stack, as ids. */
  readonly ids: string[];
  readonly section: 'Resources' | 'Outputs' | 'Conditions' | 'Parameters' | 'Mappings';
  readonly logicalId: string;
}

interface FloorStack {
  readonly id: string;
  readonly templateFile: string;
  /** Every construct of the example that holds an element or an acknowledgement, in the example's tree order. */
  readonly scopes: { ids: string[]; element?: FloorElement; acknowledged?: Record<string, string>; metadata?: { type: string; data: unknown }[] }[];
  readonly assets: { hash: string; dir: string; packaging: string; displayName?: string }[];
}

/** Elements the floor app's stack synthesizer adds itself. */
const SYNTHESIZER_ELEMENTS = new Set(['BootstrapVersion', 'CheckBootstrapVersion']);
/** Metadata types aws-cdk-lib writes itself (or that the floor reproduces another way). */
const AUTOMATIC_METADATA = new Set(['aws:cdk:logicalId', 'aws:cdk:creationStack', 'aws:cdk:templateFile', 'aws:cdk:acknowledged-rules',
  'aws:cdk:warning', 'aws:cdk:info', 'aws:cdk:error']);

function stackArtifacts(outdir: string): { id: string; templateFile: string; metadata: Record<string, { type: string; data: unknown }[]> }[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  return Object.entries<any>(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, a]) => ({
      id,
      templateFile: a.properties.templateFile,
      metadata: a.additionalMetadataFile
        ? JSON.parse(fs.readFileSync(path.join(outdir, a.additionalMetadataFile), 'utf-8'))
        : (a.metadata ?? {}),
    }));
}

/** Writes the floor app to `dir` (app.js, spec.json, assets/): run it with `cdk synth --app "node <dir>/app.js"`. */
export function generateFloorApp(exampleOut: string, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  const tree: TreeNode = JSON.parse(fs.readFileSync(path.join(exampleOut, 'tree.json'), 'utf-8')).tree;
  const stacks: FloorStack[] = [];
  for (const artifact of stackArtifacts(exampleOut)) {
    const template = JSON.parse(fs.readFileSync(path.join(exampleOut, artifact.templateFile), 'utf-8'));
    if (template.Transform !== undefined || template.Metadata !== undefined) {
      throw new Error(`${artifact.id}: the floor app does not reproduce template-level Transform or Metadata yet`);
    }
    const sectionOf = (logicalId: string): FloorElement['section'] | undefined =>
      (['Resources', 'Outputs', 'Conditions', 'Parameters', 'Mappings'] as const).find((s) => template[s]?.[logicalId] !== undefined);
    for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
      if (resource.Type === 'AWS::CloudFormation::Stack') {
        throw new Error(`${artifact.id}/${logicalId}: nested stacks are not reproduced by the floor app yet`);
      }
    }
    const scopes: FloorStack['scopes'] = [];
    const stackNode = tree.children![artifact.id];
    const visit = (node: TreeNode, ids: string[]) => {
      const meta = artifact.metadata[`/${node.path}`] ?? [];
      const logicalId = meta.find((m) => m.type === 'aws:cdk:logicalId')?.data as string | undefined;
      const acknowledged = Object.assign({}, ...meta.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data));
      const other = meta.filter((m) => !AUTOMATIC_METADATA.has(m.type)).map((m) => ({ type: m.type, data: m.data }));
      let element: FloorElement | undefined;
      if (logicalId !== undefined && !(ids.length === 1 && SYNTHESIZER_ELEMENTS.has(ids[0]))) {
        const section = sectionOf(logicalId);
        if (section === undefined) {
          throw new Error(`${node.path}: logical id ${logicalId} is in no section of the template the floor app reproduces`);
        }
        element = { ids, section, logicalId };
      }
      if (element || Object.keys(acknowledged).length > 0 || other.length > 0) {
        scopes.push({
          ids,
          element,
          acknowledged: Object.keys(acknowledged).length > 0 ? acknowledged : undefined,
          metadata: other.length > 0 ? other : undefined,
        });
      }
      for (const child of Object.values(node.children ?? {})) {
        visit(child, [...ids, child.id]);
      }
    };
    visit(stackNode, []);
    // Every element of the template must come from the tree: nothing silently missing from the floor.
    const made = new Set(scopes.filter((s) => s.element).map((s) => `${s.element!.section}/${s.element!.logicalId}`));
    for (const section of ['Resources', 'Outputs', 'Conditions', 'Parameters', 'Mappings']) {
      for (const logicalId of Object.keys(template[section] ?? {})) {
        if (!made.has(`${section}/${logicalId}`) && !SYNTHESIZER_ELEMENTS.has(logicalId)) {
          throw new Error(`${artifact.id}: ${section}.${logicalId} has no construct in tree.json`);
        }
      }
    }

    const assetManifestFile = path.join(exampleOut, `${artifact.id}.assets.json`);
    const assets: FloorStack['assets'] = [];
    if (fs.existsSync(assetManifestFile)) {
      const assetManifest = JSON.parse(fs.readFileSync(assetManifestFile, 'utf-8'));
      if (Object.keys(assetManifest.dockerImages ?? {}).length > 0) {
        throw new Error(`${artifact.id}: docker image assets are not reproduced by the floor app yet`);
      }
      for (const [hash, file] of Object.entries<any>(assetManifest.files ?? {})) {
        if (file.source.path === artifact.templateFile) {
          continue; // the template itself: the synthesizer adds it
        }
        const copy = path.join(dir, 'assets', hash);
        fs.cpSync(path.join(exampleOut, file.source.path), copy, { recursive: true });
        assets.push({ hash, dir: copy, packaging: file.source.packaging, displayName: file.displayName });
      }
    }
    stacks.push({ id: artifact.id, templateFile: artifact.templateFile, scopes, assets });
    fs.writeFileSync(path.join(dir, `${artifact.id}.template.json`), JSON.stringify(template));
  }
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(stacks));
  fs.writeFileSync(path.join(dir, 'app.js'), FLOOR_APP);
}

/** The floor app itself: plain JavaScript run by node, like the empty app (no transpiler, no code cache). */
const FLOOR_APP = `'use strict';
// Generated by scripts/bench-floor.ts from the example's cloud assembly: do not edit.
const fs = require('fs');
const path = require('path');
const { App, CfnCondition, CfnMapping, CfnOutput, CfnParameter, CfnResource, FileSystem, Stack, Validations } = require('aws-cdk-lib');
const { Construct } = require('constructs');

const OPTIONS = {
  CreationPolicy: 'creationPolicy', UpdatePolicy: 'updatePolicy', UpdateReplacePolicy: 'updateReplacePolicy',
  DeletionPolicy: 'deletionPolicy', Version: 'version', Description: 'description', Metadata: 'metadata',
};
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, 'spec.json'), 'utf-8'));
const app = new App({ analyticsReporting: false });
for (const s of spec) {
  const template = JSON.parse(fs.readFileSync(path.join(__dirname, s.id + '.template.json'), 'utf-8'));
  const stack = new Stack(app, s.id, { description: template.Description });
  const scopeAt = (ids) => {
    let scope = stack;
    for (const id of ids) {
      scope = scope.node.tryFindChild(id) ?? new Construct(scope, id);
    }
    return scope;
  };
  const resources = new Map();
  const dependsOn = [];
  for (const { ids, element, acknowledged, metadata } of s.scopes) {
    const parent = scopeAt(ids.slice(0, -1));
    const id = ids[ids.length - 1];
    let construct;
    if (!element) {
      construct = scopeAt(ids);
    } else if (element.section === 'Resources') {
      const r = template.Resources[element.logicalId];
      construct = new CfnResource(parent, id, { type: r.Type, properties: r.Properties });
      // The resource attributes through cfnOptions, so they render in aws-cdk-lib's order; DependsOn once every
      // resource exists.
      for (const key of Object.keys(r)) {
        if (key === 'DependsOn') {
          dependsOn.push([construct, r.DependsOn]);
        } else if (key === 'Condition') {
          construct.cfnOptions.condition = { logicalId: r.Condition };
        } else if (OPTIONS[key]) {
          construct.cfnOptions[OPTIONS[key]] = r[key];
        } else if (key !== 'Type' && key !== 'Properties') {
          construct.addOverride(key, r[key]);
        }
      }
      resources.set(element.logicalId, construct);
    } else if (element.section === 'Outputs') {
      const o = template.Outputs[element.logicalId];
      construct = new CfnOutput(parent, id, {
        value: o.Value, description: o.Description, exportName: o.Export && o.Export.Name,
        condition: o.Condition && { logicalId: o.Condition },
      });
    } else if (element.section === 'Conditions') {
      construct = new CfnCondition(parent, id, { expression: template.Conditions[element.logicalId] });
    } else if (element.section === 'Parameters') {
      const p = template.Parameters[element.logicalId];
      construct = new CfnParameter(parent, id, {
        type: p.Type, default: p.Default, description: p.Description, noEcho: p.NoEcho, allowedValues: p.AllowedValues,
        allowedPattern: p.AllowedPattern, constraintDescription: p.ConstraintDescription, maxLength: p.MaxLength,
        minLength: p.MinLength, maxValue: p.MaxValue, minValue: p.MinValue,
      });
    } else {
      construct = new CfnMapping(parent, id, { mapping: template.Mappings[element.logicalId] });
    }
    if (element) {
      construct.overrideLogicalId(element.logicalId);
    }
    for (const [ruleId, reason] of Object.entries(acknowledged || {})) {
      Validations.of(construct).acknowledge({ id: ruleId, reason });
    }
    for (const m of metadata || []) {
      construct.node.addMetadata(m.type, m.data);
    }
  }
  for (const [resource, targets] of dependsOn) {
    for (const target of targets) {
      resource.addResourceDependency(resources.get(target));
    }
  }
  // The example stages each asset with a source fingerprint and a copy to the output directory unless it is there
  // already (AssetStaging); the floor does the same work for the same bytes under the example's hashes (some of the
  // example's hashes cover more than the staged files, e.g. aws-cdk-lib's own handlers).
  for (const asset of s.assets) {
    FileSystem.fingerprint(asset.dir);
    const fileName = 'asset.' + asset.hash;
    const target = path.join(app.outdir, fileName);
    if (!fs.existsSync(target)) {
      fs.cpSync(asset.dir, target, { recursive: true });
    }
    stack.synthesizer.addFileAsset({ sourceHash: asset.hash, fileName, packaging: asset.packaging, displayName: asset.displayName });
  }
}
app.synth();
`;

/** Throws unless every stack template, asset manifest, the cloud assembly manifest and the staged assets of the floor match the example's bytes. */
export function assertSameTemplates(exampleOut: string, floorOut: string): string[] {
  const compared: string[] = [];
  for (const artifact of stackArtifacts(exampleOut)) {
    const files = [artifact.templateFile, `${artifact.id}.assets.json`];
    for (const file of files) {
      const a = path.join(exampleOut, file);
      const b = path.join(floorOut, file);
      if (!fs.existsSync(a)) {
        continue;
      }
      if (!fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b))) {
        throw new Error(`the floor app's ${file} differs from the example's (diff ${a} ${b})`);
      }
      compared.push(file);
    }
  }
  if (!fs.readFileSync(path.join(exampleOut, 'manifest.json')).equals(fs.readFileSync(path.join(floorOut, 'manifest.json')))) {
    throw new Error('the floor app\'s manifest.json differs from the example\'s');
  }
  compared.push('manifest.json');
  const staged = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('asset.')).sort();
  if (staged(exampleOut).join() !== staged(floorOut).join()) {
    throw new Error(`the floor app stages other assets: ${staged(floorOut).join()} vs ${staged(exampleOut).join()}`);
  }
  return compared;
}
