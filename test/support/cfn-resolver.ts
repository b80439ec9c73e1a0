import * as crypto from 'crypto';

/**
 * Resolves CloudFormation intrinsics of a synthesized template to the concrete values AWS would produce at deploy
 * time, for one fixed account and region. Physical ids follow the formats the services document (secret ARNs end in
 * `-` and six random characters, MSK cluster ARNs end in `<uuid>-<n>`, generated names are `<stack>-<logicalId>-<suffix>`),
 * so an ARN built by the library from a partial value does not match what AWS authorizes.
 *
 * This is the test suite's model of AWS, written apart from the library: the library never imports it.
 */

/** The deploy target every oracle evaluation uses. */
export const ENV = { account: '111122223333', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com' } as const;

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: any;
  readonly Metadata?: any;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface CfnTemplate {
  readonly Resources: { [logicalId: string]: CfnResource };
  readonly Outputs?: any;
}

/** A value the oracle cannot know before deployment (e.g. an attribute of a custom resource). */
export class Unknown {
  constructor(public readonly what: string) {}
  public toString(): string {
    return `<unknown:${this.what}>`;
  }
}

/** Deterministic "random" characters, so a test run is repeatable. */
function randomish(seed: string, length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
  const bytes = crypto.createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[bytes[i % bytes.length] % alphabet.length];
  }
  return out;
}

function uuid(seed: string): string {
  const h = crypto.createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class TemplateResolver {
  /** The logical id a `Ref` or `Fn::GetAtt` points at, if `value` is one. */
  public static target(value: any): string | undefined {
    if (value && typeof value === 'object') {
      if (typeof value.Ref === 'string') {
        return value.Ref;
      }
      if (Array.isArray(value['Fn::GetAtt'])) {
        return value['Fn::GetAtt'][0];
      }
    }
    return undefined;
  }

  private readonly cache = new Map<string, any>();

  constructor(public readonly template: CfnTemplate, public readonly stackName: string) {}

  public get resources(): Array<[string, CfnResource]> {
    return Object.entries(this.template.Resources);
  }

  public ofType(type: string): Array<[string, CfnResource]> {
    return this.resources.filter(([, r]) => r.Type === type);
  }

  public resource(logicalId: string): CfnResource {
    const r = this.template.Resources[logicalId];
    if (!r) {
      throw new Error(`no resource ${logicalId} in the template`);
    }
    return r;
  }

  /** Resolves every intrinsic in `value`. Unknown values become {@link Unknown} (or their text inside strings). */
  public resolve(value: any): any {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], value[keys[0]]);
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(value[k])]));
  }

  /** Resolves to a string (throws on values the oracle cannot know). */
  public str(value: any): string {
    const v = this.resolve(value);
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw new Error(`expected a string, got ${JSON.stringify(v)} from ${JSON.stringify(value)}`);
    }
    return String(v);
  }

  private intrinsic(fn: string, arg: any): any {
    switch (fn) {
      case 'Ref':
        return this.ref(arg);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
        return this.getAtt(id, attr);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg;
        return (this.resolve(parts) as any[]).map((p) => String(p)).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg;
        const l = this.resolve(list);
        if (!Array.isArray(l)) {
          return new Unknown(`select from ${String(l)}`);
        }
        return l[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [sep, source] = arg;
        return String(this.resolve(source)).split(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        return (text as string).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
          if (vars && name in vars) {
            return String(this.resolve(vars[name]));
          }
          const [id, attr] = name.split(/\.(.*)/);
          return String(attr ? this.getAtt(id, attr) : this.ref(id));
        });
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.resolve(arg))).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${ENV.region}${z}`);
      default:
        return new Unknown(`${fn}`);
    }
  }

  private ref(id: string): any {
    switch (id) {
      case 'AWS::AccountId': return ENV.account;
      case 'AWS::Region': return ENV.region;
      case 'AWS::Partition': return ENV.partition;
      case 'AWS::URLSuffix': return ENV.urlSuffix;
      case 'AWS::StackName': return this.stackName;
      case 'AWS::StackId': return `arn:aws:cloudformation:${ENV.region}:${ENV.account}:stack/${this.stackName}/${uuid(this.stackName)}`;
      case 'AWS::NoValue': return undefined;
    }
    return this.memo(`ref:${id}`, () => this.physicalRef(id));
  }

  private memo(key: string, f: () => any): any {
    if (!this.cache.has(key)) {
      this.cache.set(key, f());
    }
    return this.cache.get(key);
  }

  /** The name CloudFormation generates for a resource without an explicit name. */
  private generatedName(id: string, maxLength = 64): string {
    const suffix = randomish(`${this.stackName}/${id}`, 12).toUpperCase();
    return `${this.stackName}-${id}`.slice(0, maxLength - 13) + `-${suffix}`;
  }

  private physicalRef(id: string): any {
    const r = this.resource(id);
    const p = r.Properties ?? {};
    const { account, region, partition } = ENV;
    switch (r.Type) {
      case 'AWS::MSK::Cluster':
        // arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>-<n> (MSK API reference, ClusterArn).
        return `arn:${partition}:kafka:${region}:${account}:cluster/${this.str(p.ClusterName)}/${uuid(id)}-3`;
      case 'AWS::SecretsManager::Secret': {
        // Secrets Manager appends '-' and 6 random characters to the name in the ARN (Secrets Manager user guide,
        // "Secret ARN"); CloudFormation generates names as <logicalId>-<12 characters>.
        const name = p.Name !== undefined ? this.str(p.Name) : `${id}-${randomish(id, 12)}`;
        return secretArn(name);
      }
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return this.resolve(p.SecretId);
      case 'AWS::KMS::Key':
        return uuid(id);
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${account}:${p.TopicName !== undefined ? this.str(p.TopicName) : this.generatedName(id, 256)}`;
      case 'AWS::IAM::Role':
        return p.RoleName !== undefined ? this.str(p.RoleName) : this.generatedName(id);
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${partition}:iam::${account}:policy${p.Path ?? '/'}${p.ManagedPolicyName !== undefined ? this.str(p.ManagedPolicyName) : this.generatedName(id, 128)}`;
      case 'AWS::S3::Bucket':
        return p.BucketName !== undefined ? this.str(p.BucketName) : this.generatedName(id, 63).toLowerCase();
      case 'AWS::Logs::LogGroup':
        return p.LogGroupName !== undefined ? this.str(p.LogGroupName) : this.generatedName(id, 512);
      case 'AWS::Lambda::Function':
        return p.FunctionName !== undefined ? this.str(p.FunctionName) : this.generatedName(id);
      case 'AWS::RDS::DBCluster':
        return (p.DBClusterIdentifier !== undefined ? this.str(p.DBClusterIdentifier) : this.generatedName(id)).toLowerCase();
      case 'AWS::CloudWatch::Alarm':
        return p.AlarmName !== undefined ? this.str(p.AlarmName) : this.generatedName(id, 255);
      default:
        return `${id.toLowerCase()}-${randomish(id, 8).toLowerCase()}`;
    }
  }

  private getAtt(id: string, attr: string): any {
    return this.memo(`att:${id}.${attr}`, () => this.physicalAtt(id, attr));
  }

  private physicalAtt(id: string, attr: string): any {
    const r = this.resource(id);
    const p = r.Properties ?? {};
    const { account, region, partition } = ENV;
    const ref = () => this.ref(id);
    switch (`${r.Type}.${attr}`) {
      case 'AWS::KMS::Key.Arn': return `arn:${partition}:kms:${region}:${account}:key/${ref()}`;
      case 'AWS::KMS::Key.KeyId': return ref();
      case 'AWS::IAM::Role.Arn': return `arn:${partition}:iam::${account}:role${p.Path ?? '/'}${ref()}`;
      case 'AWS::IAM::Role.RoleId': return `AROA${randomish(id, 17).toUpperCase()}`;
      case 'AWS::S3::Bucket.Arn': return `arn:${partition}:s3:::${ref()}`;
      case 'AWS::S3::Bucket.DomainName': return `${ref()}.s3.${ENV.urlSuffix}`;
      case 'AWS::Logs::LogGroup.Arn': return `arn:${partition}:logs:${region}:${account}:log-group:${ref()}:*`;
      case 'AWS::Lambda::Function.Arn': return `arn:${partition}:lambda:${region}:${account}:function:${ref()}`;
      case 'AWS::SNS::Topic.TopicArn': return ref();
      case 'AWS::SNS::Topic.TopicName': return String(ref()).split(':').pop();
      case 'AWS::MSK::Cluster.Arn': return ref();
      case 'AWS::MSK::Configuration.Arn': return `arn:${partition}:kafka:${region}:${account}:configuration/${this.str(p.Name)}/${uuid(id)}-2`;
      case 'AWS::MSK::Configuration.LatestRevision.Revision': return 1;
      case 'AWS::RDS::DBCluster.DBClusterArn': return `arn:${partition}:rds:${region}:${account}:cluster:${ref()}`;
      case 'AWS::RDS::DBCluster.Endpoint.Address': return `${ref()}.cluster-${randomish(id, 12).toLowerCase()}.${region}.rds.${ENV.urlSuffix}`;
      case 'AWS::RDS::DBCluster.Endpoint.Port': return String(p.Port ?? 3306);
      case 'AWS::KafkaConnect::Connector.ConnectorArn':
        // arn:aws:kafkaconnect:<region>:<account>:connector/<name>/<uuid>-<n> (MSK Connect API reference).
        return `arn:${partition}:kafkaconnect:${region}:${account}:connector/${this.str(p.ConnectorName)}/${uuid(id)}-4`;
      case 'AWS::KafkaConnect::CustomPlugin.CustomPluginArn':
        return `arn:${partition}:kafkaconnect:${region}:${account}:custom-plugin/${this.str(p.Name)}/${uuid(id)}-4`;
      case 'AWS::KafkaConnect::CustomPlugin.Revision': return 1;
      case 'AWS::KafkaConnect::WorkerConfiguration.WorkerConfigurationArn':
        return `arn:${partition}:kafkaconnect:${region}:${account}:worker-configuration/${this.str(p.Name)}/${uuid(id)}-4`;
      case 'AWS::KafkaConnect::WorkerConfiguration.Revision': return 1;
      case 'AWS::EC2::SecurityGroup.GroupId': return `sg-${randomish(id, 17, '0123456789abcdef')}`;
      case 'AWS::EC2::VPC.CidrBlock': return this.resolve(p.CidrBlock);
      case 'AWS::EC2::EIP.PublicIp': return `203.0.113.${(crypto.createHash('sha256').update(id).digest()[0] % 250) + 1}`;
      case 'AWS::EC2::EIP.AllocationId': return `eipalloc-${randomish(id, 17, '0123456789abcdef')}`;
    }
    if (r.Type === 'Custom::AWS' && attr === 'BootstrapBrokerStringSaslIam') {
      return [1, 2, 3].map((n) => `b-${n}.cluster.${randomish(id, 6).toLowerCase()}.c2.kafka.${region}.${ENV.urlSuffix}:9098`).join(',');
    }
    return new Unknown(`${id}.${attr}`);
  }
}

/** The full ARN of a secret with this name, as Secrets Manager forms it. */
export function secretArn(name: string): string {
  return `arn:${ENV.partition}:secretsmanager:${ENV.region}:${ENV.account}:secret:${name}-${randomish(`secret:${name}`, 6)}`;
}
