import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import { CfnTemplate, ENV, secretArn, TemplateResolver, Unknown } from './cfn-resolver';

/**
 * The runtime oracle: derives, from a synthesized template alone, the AWS requests that the deployed resources will
 * make (connector workers, CloudWatch alarms, deploy-time handlers, service trust), and evaluates each one with IAM's
 * evaluation logic (`@cloud-copilot/iam-simulate`) against the identity policies of the caller **and** the resource
 * policy of the target (key policies, topic policies, bucket policies, trust policies).
 *
 * It shares no code with the library: what a connector does at run time is modelled here from the services' and
 * projects' documented behaviour, each rule cited where it is applied.
 */

/** One request a deployed resource makes. */
export interface RuntimeRequest {
  /** Who makes it, for people (e.g. `connector mysql-cdc-1a2b3c4d`). */
  readonly actor: string;
  /** The principal: a role ARN, or a service principal for calls services make themselves. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** Why it is made. */
  readonly why: string;
  /** Where the rule comes from. */
  readonly source: string;
  /** Whether AWS must allow it (the resource works) or must refuse it (least privilege). */
  readonly expect: 'allow' | 'deny';
}

export interface EvaluatedRequest extends RuntimeRequest {
  /** Allowed, ImplicitlyDenied, ExplicitlyDenied, or Error: <message>. */
  readonly result: string;
}

export interface RuntimeOracleOptions {
  /** Keys of secrets that live outside the template, by secret name (a key ARN). */
  readonly externalSecretKeys?: Record<string, string>;
  /** Topic names a `topics.regex` sink is expected to read, when no source in the template writes them. */
  readonly sampleTopics?: string[];
}

// Sources of the rules, cited on every request.
const SRC = {
  mskConnectRole: 'MSK developer guide, msk-connect-service-execution-role (example policy; MSK Connect internal topics and groups are prefixed __amazon_msk_connect_)',
  mskIam: 'MSK developer guide, iam-access-control (kafka-cluster actions and their resources: cluster, topic/<cluster>/<uuid>/<name>, group/<cluster>/<uuid>/<name>)',
  sinkGroup: 'Apache Kafka Connect, SinkUtils.consumerGroupId: a sink task consumes as group connect-<connector name>',
  dlq: 'Apache Kafka Connect, DeadLetterQueueReporter.createAndSetup: creates the DLQ topic if absent, then produces to it',
  topicCreation: 'Apache Kafka Connect KIP-158 (topic.creation.*): a source worker creates missing topics with the admin client before producing',
  heartbeat: 'Debezium AbstractTopicNamingStrategy / SchemaNameAdjuster: heartbeat topic <topic.heartbeat.prefix, default __debezium-heartbeat>.<topic.prefix> (1.x: heartbeat.topics.prefix + database.server.name)',
  dataTopics: 'Debezium MySQL connector docs, "Topic names": <topic.prefix>.<database>.<table>; schema changes to <topic.prefix>',
  history: 'Debezium KafkaSchemaHistory (1.x KafkaDatabaseHistory): creates and describes the history topic, produces to it, reads it back as group <prefix>-schemahistory (1.x <server.name>-dbhistory), reads broker configs',
  idempotence: 'Apache Kafka KIP-679: producers are idempotent by default since 3.0; MSK maps InitProducerId to kafka-cluster:WriteDataIdempotently',
  configProvider: 'MSK Connect config providers (msk-config-providers SecretsManagerConfigProvider): GetSecretValue(SecretId=<name>) with the service execution role; Secrets Manager authorizes the full secret ARN (name + "-" + 6 characters) and calls KMS Decrypt as the caller (kms:ViaService)',
  trust: 'MSK Connect service execution role: kafkaconnect.amazonaws.com assumes it with aws:SourceAccount and aws:SourceArn of the connector (IAM confused-deputy guidance)',
  alarmsSns: 'CloudWatch user guide, "Using Amazon CloudWatch alarms" / SNS developer guide "Amazon SNS access policy" + "Enable compatibility between event sources and encrypted topics": cloudwatch.amazonaws.com publishes, and an AWS::SNS::TopicPolicy replaces the default policy',
  offsetStorage: 'MSK developer guide, msk-connect-set-offset-storage-topic: a source connector keeps its offsets in the worker configuration\'s offset.storage.topic (Kafka Connect KafkaOffsetBackingStore creates it compacted if absent)',
  lambdaTrust: 'Lambda execution role: lambda.amazonaws.com assumes it',
  lambdaLogs: 'Lambda developer guide, monitoring-cloudwatchlogs: the function writes with logs:CreateLogStream and logs:PutLogEvents',
  pluginFetch: 'The plugin fetch handler uploads the repackaged ZIP with S3 PutObject, SSE-KMS with the store key (S3 calls kms:GenerateDataKey as the caller)',
  cdcSetup: 'The CDC setup handler reads the admin (master) secret and the Debezium secret with GetSecretValue (Secrets Manager decrypts with kms:Decrypt as the caller) and connects to the writer from inside the VPC over TLS; no RDS Data API',
  adminSecretReaders: 'Item 56 of the security checklist: the master secret is read only by the setup handler (no other role of the template)',
  lambdaVpc: 'Lambda developer guide, configuration-vpc: Lambda creates the function\'s network interfaces with the execution role (CreateNetworkInterface in the function\'s subnets with its security groups; DescribeNetworkInterfaces on "*")',
  rdsMonitoring: 'RDS user guide, USER_Monitoring.OS.Enabling ("Protecting against the confused deputy problem"): monitoring.rds.amazonaws.com assumes the role with aws:SourceAccount and aws:SourceArn of the DB instance',
  bootstrap: 'MSK API GetBootstrapBrokers (Service Authorization Reference: resource type cluster)',
};

/**
 * Answers of IAM's evaluation, by the whole question (request, policies, resource policy). The evaluation is a pure
 * function of that question, and the same one comes back often: a test that breaks one resource of a template asks
 * again every question the rest of the template raises (most of the security report's test time went to repeats).
 */
const SIMULATIONS = new Map<string, Promise<string>>();

const UNRELATED_TOPIC = 'payments.unrelated';
const UNRELATED_SECRET = 'unrelated/other-team-secret';

/** The SNS default topic policy (SNS developer guide, "Amazon SNS access policy"), used when no TopicPolicy exists. */
function snsDefaultPolicy(topicArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:Publish', 'SNS:GetTopicAttributes', 'SNS:Subscribe'],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': ENV.account } },
    }],
  };
}

/** The default key policy a key outside the template is assumed to have: the account may delegate through IAM. */
function defaultKeyPolicy() {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${ENV.partition}:iam::${ENV.account}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}

/** Cluster, topic and group ARNs of one MSK cluster. */
class ClusterArns {
  public readonly name: string;
  public readonly uuid: string;
  constructor(public readonly arn: string) {
    const m = /^arn:[^:]+:kafka:[^:]+:\d+:cluster\/([^/]+)\/([^/]+)$/.exec(arn);
    if (!m) {
      throw new Error(`not an MSK cluster ARN: ${arn}`);
    }
    [this.name, this.uuid] = [m[1], m[2]];
  }
  private sub(kind: string, name: string): string {
    return this.arn.replace(/:cluster\//, `:${kind}/`) + `/${name}`;
  }
  public topic(name: string): string {
    return this.sub('topic', name);
  }
  public group(name: string): string {
    return this.sub('group', name);
  }
}

export class RuntimeOracle {
  private readonly t: TemplateResolver;
  /** Each role's policies, resolved once (the template does not change under an oracle). */
  private readonly policiesOf = new Map<string, Array<{ name: string; policy: any }>>();

  constructor(template: CfnTemplate, stackName: string, private readonly options: RuntimeOracleOptions = {}) {
    this.t = new TemplateResolver(template, stackName);
  }

  /** Every request the model derives, allowed and denied. */
  public requests(): RuntimeRequest[] {
    return [
      ...this.t.ofType('AWS::KafkaConnect::Connector').flatMap(([id]) => this.connectorRequests(id)),
      ...this.alarmRequests(),
      ...this.handlerRequests(),
      ...this.monitoringRequests(),
    ];
  }

  /** RDS assumes each DB instance's enhanced-monitoring role for that instance, and for no other account's. */
  private monitoringRequests(): RuntimeRequest[] {
    const out: RuntimeRequest[] = [];
    for (const [id, instance] of this.t.ofType('AWS::RDS::DBInstance')) {
      if (!instance.Properties.MonitoringRoleArn) {
        continue;
      }
      const role = this.t.str(instance.Properties.MonitoringRoleArn);
      const instanceArn = (account: string) => `arn:${ENV.partition}:rds:${ENV.region}:${account}:db:${this.t.str({ Ref: id })}`;
      const assume = (expect: 'allow' | 'deny', why: string, account: string) => out.push({
        actor: `DB instance ${id}`,
        principal: 'monitoring.rds.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: role,
        expect,
        why,
        source: SRC.rdsMonitoring,
        context: { 'aws:SourceAccount': account, 'aws:SourceArn': instanceArn(account) },
      });
      assume('allow', 'RDS publishes the instance\'s enhanced monitoring', ENV.account);
      assume('deny', 'a DB instance of another account must not get the role (confused deputy)', '999999999999');
    }
    return out;
  }

  /** Evaluates every request. */
  public async evaluate(requests = this.requests()): Promise<EvaluatedRequest[]> {
    const out: EvaluatedRequest[] = [];
    for (const r of requests) {
      out.push({ ...r, result: await this.simulate(r) });
    }
    return out;
  }

  /** The requests whose outcome is not the expected one, one line each (empty: the template works as modelled). */
  public async failures(requests = this.requests()): Promise<string[]> {
    return (await this.evaluate(requests))
      .filter((r) => (r.expect === 'allow') !== (r.result === 'Allowed'))
      .map((r) => `${r.actor}: ${r.action} on ${r.resource} should be ${r.expect === 'allow' ? 'allowed' : 'denied'} but is ${r.result} (${r.why}; rule: ${r.source})`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Connectors

  private connectorRequests(id: string): RuntimeRequest[] {
    const p = this.t.resource(id).Properties;
    const name = this.t.str(p.ConnectorName);
    const actor = `connector ${name}`;
    const role = this.t.str(p.ServiceExecutionRoleArn);
    const connectorArn = this.t.str({ 'Fn::GetAtt': [id, 'ConnectorArn'] });
    const connectorId = connectorArn.split('/').pop()!;
    const cluster = new ClusterArns(this.clusterArnOf(p.KafkaCluster.ApacheKafkaCluster.BootstrapServers));
    const config: Record<string, string> = this.t.resolve(p.ConnectorConfiguration);
    const out: RuntimeRequest[] = [];
    const req = (expect: 'allow' | 'deny', action: string, resource: string, why: string, source: string, context?: Record<string, string>) =>
      out.push({ actor, principal: role, action, resource, why, source, expect, context });
    const onTopic = (expect: 'allow' | 'deny', actions: string[], topic: string, why: string, source: string) =>
      actions.forEach((a) => req(expect, `kafka-cluster:${a}`, cluster.topic(topic), `${why} (${topic})`, source));
    const onGroup = (actions: string[], group: string, why: string, source: string) =>
      actions.forEach((a) => req('allow', `kafka-cluster:${a}`, cluster.group(group), `${why} (${group})`, source));

    // The service assumes the role for this connector, and for no other connector name.
    const assume = (expect: 'allow' | 'deny', why: string, sourceArn: string) => out.push({
      actor,
      principal: 'kafkaconnect.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: role,
      expect,
      why,
      source: SRC.trust,
      context: { 'aws:SourceAccount': ENV.account, 'aws:SourceArn': sourceArn },
    });
    assume('allow', 'MSK Connect assumes the service execution role', connectorArn);
    assume('deny', 'another connector must not get this role', connectorArn.replace(`connector/${name}/`, 'connector/zz-other-connector/'));
    assume('deny', 'nor a connector whose name merely starts with this one\'s', connectorArn.replace(`connector/${name}/`, `connector/${name}-shadow/`));

    req('allow', 'kafka-cluster:Connect', cluster.arn, 'workers connect to the cluster', SRC.mskConnectRole);
    req('allow', 'kafka-cluster:DescribeCluster', cluster.arn, 'workers read cluster metadata', SRC.mskConnectRole);
    for (const kind of ['offsets', 'configs', 'status']) {
      onTopic('allow', ['CreateTopic', 'DescribeTopic', 'ReadData', 'WriteData'], `__amazon_msk_connect_${kind}_${name}_${connectorId}`,
        'MSK Connect internal topic', SRC.mskConnectRole);
    }
    onGroup(['DescribeGroup', 'AlterGroup'], `__amazon_msk_connect_cluster_${name}_${connectorId}`, 'MSK Connect worker group', SRC.mskConnectRole);
    const worker = this.workerProperties(p.WorkerConfiguration);
    if (worker['offset.storage.topic'] && !isSinkConfig(config)) {
      onTopic('allow', ['CreateTopic', 'DescribeTopic', 'ReadData', 'WriteData'], worker['offset.storage.topic'], 'offset storage topic of the worker configuration', SRC.offsetStorage);
    }

    out.push(...this.secretRequests(actor, role, config));
    req('deny', 'secretsmanager:GetSecretValue', secretArn(UNRELATED_SECRET), 'a secret the connector does not reference', SRC.configProvider);
    req('deny', 'kafka-cluster:AlterCluster', cluster.arn, 'connectors never change broker settings', SRC.mskIam);
    // The workers get their bootstrap servers in the connector's configuration and never call the MSK control plane.
    for (const action of ['kafka:GetBootstrapBrokers', 'kafka:ListClusters', 'kafka:ListClustersV2']) {
      req('deny', action, cluster.arn, 'workers never call the MSK control plane', SRC.mskConnectRole);
    }
    onTopic('deny', ['ReadData', 'WriteData', 'CreateTopic'], UNRELATED_TOPIC, 'a topic the connector has no business with', SRC.mskIam);

    if (isSinkConfig(config)) {
      const topics = this.sinkTopics(config);
      if (topics.length === 0) {
        throw new Error(`${actor}: no topic to evaluate for topics.regex ${config['topics.regex']} (give sampleTopics)`);
      }
      for (const topic of topics) {
        onTopic('allow', ['DescribeTopic', 'ReadData'], topic, 'the sink consumes its topic', SRC.sinkGroup);
        onTopic('deny', ['WriteData', 'DeleteTopic'], topic, 'a sink must not write to or delete its source topics', SRC.mskIam);
      }
      onGroup(['DescribeGroup', 'AlterGroup'], `connect-${name}`, 'the sink\'s consumer group', SRC.sinkGroup);
      const dlq = config['errors.deadletterqueue.topic.name'];
      if (dlq) {
        onTopic('allow', ['DescribeTopic', 'CreateTopic', 'WriteData'], dlq, 'dead-letter queue', SRC.dlq);
      }
    }
    if (config['connector.class'] === 'io.debezium.connector.mysql.MySqlConnector') {
      const d = debeziumTopics(config);
      const produce = ['DescribeTopic', 'WriteData', 'CreateTopic'];
      for (const topic of d.dataTopics) {
        onTopic('allow', produce, topic, 'change events', `${SRC.dataTopics}; ${SRC.topicCreation}`);
        onTopic('deny', ['DeleteTopic'], topic, 'a source never deletes its topics', SRC.mskIam);
      }
      if (d.schemaChangeTopic) {
        onTopic('allow', produce, d.schemaChangeTopic, 'schema-change events', `${SRC.dataTopics}; ${SRC.topicCreation}`);
      }
      if (d.heartbeatTopic) {
        onTopic('allow', produce, d.heartbeatTopic, 'heartbeats (heartbeat.interval.ms > 0)', `${SRC.heartbeat}; ${SRC.topicCreation}`);
      }
      onTopic('allow', ['DescribeTopic', 'CreateTopic', 'WriteData', 'ReadData', 'DescribeTopicDynamicConfiguration'], d.historyTopic, 'schema history', SRC.history);
      onGroup(['DescribeGroup', 'AlterGroup'], d.historyGroup, 'schema-history consumer', SRC.history);
      req('allow', 'kafka-cluster:DescribeClusterDynamicConfiguration', cluster.arn, 'schema history reads broker defaults', SRC.history);
      if (config[`${d.historyPrefix}.producer.enable.idempotence`] !== 'false') {
        req('allow', 'kafka-cluster:WriteDataIdempotently', cluster.arn, 'idempotent producers (schema history, source tasks)', SRC.idempotence);
      }
    }
    return out;
  }

  /** The decoded properties of a connector's worker configuration (empty when it uses MSK Connect's default). */
  private workerProperties(ref: any): Record<string, string> {
    const id = TemplateResolver.target(ref?.WorkerConfigurationArn);
    if (!id) {
      return {};
    }
    const content = Buffer.from(this.t.str(this.t.resource(id).Properties.PropertiesFileContent), 'base64').toString('utf-8');
    return Object.fromEntries(content.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  /** The cluster ARN behind a connector's bootstrap servers (the deploy-time lookup's ClusterArn parameter). */
  private clusterArnOf(bootstrap: any): string {
    const target = TemplateResolver.target(bootstrap);
    if (target && this.t.resource(target).Type === 'Custom::AWS') {
      const call = JSON.parse(this.t.str(this.t.resource(target).Properties.Create));
      return call.parameters.ClusterArn;
    }
    const clusters = this.t.ofType('AWS::MSK::Cluster');
    if (clusters.length === 1) {
      return this.t.str({ Ref: clusters[0][0] });
    }
    throw new Error(`cannot tell which cluster ${JSON.stringify(bootstrap)} belongs to`);
  }

  private sinkTopics(config: Record<string, string>): string[] {
    if (config.topics !== undefined) {
      return config.topics.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    }
    // Kafka Connect matches topics.regex as a Java Pattern against the whole name; these regexes are also valid JS.
    const regex = new RegExp(`^(?:${config['topics.regex']})$`);
    const candidates = this.options.sampleTopics ?? this.t.ofType('AWS::KafkaConnect::Connector')
      .map(([, r]) => this.t.resolve(r.Properties.ConnectorConfiguration) as Record<string, string>)
      .filter((c) => c['connector.class'] === 'io.debezium.connector.mysql.MySqlConnector')
      .flatMap((c) => debeziumTopics(c).dataTopics);
    return candidates.filter((t) => regex.test(t));
  }

  /** GetSecretValue on each referenced secret's full ARN, and Decrypt on its key through Secrets Manager. */
  private secretRequests(actor: string, principal: string, config: Record<string, string>): RuntimeRequest[] {
    const names = new Set<string>();
    for (const value of Object.values(config)) {
      for (const m of String(value).matchAll(/\$\{secretsmanager:([^:}]+):[^}]*\}/g)) {
        names.add(m[1]);
      }
    }
    const out: RuntimeRequest[] = [];
    for (const name of names) {
      const { arn, keyArn } = this.secret(name);
      out.push({ actor, principal, action: 'secretsmanager:GetSecretValue', resource: arn, expect: 'allow', why: `config provider reads secret ${name}`, source: SRC.configProvider });
      if (keyArn) {
        out.push({
          actor,
          principal,
          action: 'kms:Decrypt',
          resource: keyArn,
          expect: 'allow',
          why: `Secrets Manager decrypts ${name} for the caller`,
          source: SRC.configProvider,
          context: { 'kms:ViaService': `secretsmanager.${ENV.region}.amazonaws.com`, 'kms:CallerAccount': ENV.account, 'kms:EncryptionContext:SecretARN': arn },
        });
      }
    }
    return out;
  }

  /** A secret by name or ARN: its full ARN and the ARN of its customer-managed key (if any). */
  private secret(nameOrArn: string): { arn: string; keyArn?: string } {
    for (const [id, r] of this.t.ofType('AWS::SecretsManager::Secret')) {
      const arn = this.t.str({ Ref: id });
      const name = arn.split(':')[6].replace(/-[A-Za-z0-9]{6}$/, '');
      if (nameOrArn === arn || nameOrArn === name) {
        return { arn, keyArn: r.Properties?.KmsKeyId ? this.keyArn(this.t.str(r.Properties.KmsKeyId)) : undefined };
      }
    }
    if (nameOrArn.startsWith('arn:')) {
      return { arn: nameOrArn, keyArn: this.options.externalSecretKeys?.[nameOrArn] };
    }
    return { arn: secretArn(nameOrArn), keyArn: this.options.externalSecretKeys?.[nameOrArn] };
  }

  private keyArn(idOrArn: string): string {
    return idOrArn.startsWith('arn:') ? idOrArn : `arn:${ENV.partition}:kms:${ENV.region}:${ENV.account}:key/${idOrArn}`;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Alarms

  private alarmRequests(): RuntimeRequest[] {
    const out: RuntimeRequest[] = [];
    for (const [id, alarm] of this.t.ofType('AWS::CloudWatch::Alarm')) {
      const alarmArn = `arn:${ENV.partition}:cloudwatch:${ENV.region}:${ENV.account}:alarm:${this.t.str({ Ref: id })}`;
      const actions = [...alarm.Properties.AlarmActions ?? [], ...alarm.Properties.OKActions ?? []];
      for (const topicArn of new Set(actions.map((a: any) => this.t.str(a)))) {
        if (!topicArn.includes(':sns:')) {
          continue;
        }
        const context = { 'aws:SourceAccount': ENV.account, 'aws:SourceArn': alarmArn, 'aws:SecureTransport': 'true' };
        const actor = `alarm ${id}`;
        out.push({ actor, principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topicArn, context, expect: 'allow', why: 'the alarm notifies its topic', source: SRC.alarmsSns });
        const key = this.topicKey(topicArn);
        if (key) {
          for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
            out.push({ actor, principal: 'cloudwatch.amazonaws.com', action, resource: key, context: { 'aws:SourceAccount': ENV.account, 'aws:SourceArn': alarmArn }, expect: 'allow', why: 'the topic is encrypted: the publisher must be able to use its key', source: SRC.alarmsSns });
          }
        }
      }
    }
    return out;
  }

  private topicKey(topicArn: string): string | undefined {
    for (const [id, r] of this.t.ofType('AWS::SNS::Topic')) {
      if (this.t.str({ Ref: id }) === topicArn && r.Properties?.KmsMasterKeyId) {
        return this.keyArn(this.t.str(r.Properties.KmsMasterKeyId));
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Deploy-time handlers

  private handlerRequests(): RuntimeRequest[] {
    const out: RuntimeRequest[] = [];
    for (const [fnId, fn] of this.t.ofType('AWS::Lambda::Function')) {
      const role = this.t.str(fn.Properties.Role);
      const actor = `function ${fnId}`;
      out.push({ actor, principal: 'lambda.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'allow', why: 'Lambda assumes the execution role', source: SRC.lambdaTrust });
      const logGroup = fn.Properties.LoggingConfig?.LogGroup;
      if (logGroup) {
        const streamArn = `arn:${ENV.partition}:logs:${ENV.region}:${ENV.account}:log-group:${this.t.str(logGroup)}:log-stream:2026/11/24/[$LATEST]0123456789abcdef`;
        out.push({ actor, principal: role, action: 'logs:CreateLogStream', resource: streamArn, expect: 'allow', why: 'the function logs', source: SRC.lambdaLogs });
        out.push({ actor, principal: role, action: 'logs:PutLogEvents', resource: streamArn, expect: 'allow', why: 'the function logs', source: SRC.lambdaLogs });
      }
      const vpcConfig = fn.Properties.VpcConfig;
      if (vpcConfig) {
        const ec2Arn = (resource: string) => `arn:${ENV.partition}:ec2:${ENV.region}:${ENV.account}:${resource}`;
        const eni = ec2Arn('network-interface/eni-0123456789abcdef0');
        const subnets = (vpcConfig.SubnetIds as any[]).map((x) => ec2Arn(`subnet/${this.t.str(x)}`));
        const groups = (vpcConfig.SecurityGroupIds as any[]).map((x) => ec2Arn(`security-group/${this.t.str(x)}`));
        for (const resource of [eni, ...subnets, ...groups]) {
          out.push({ actor, principal: role, action: 'ec2:CreateNetworkInterface', resource, expect: 'allow', why: 'Lambda attaches the function to its VPC', source: SRC.lambdaVpc });
        }
        out.push({ actor, principal: role, action: 'ec2:CreateNetworkInterface', resource: ec2Arn('subnet/subnet-0ffffffffffffffff'), expect: 'deny', why: 'not in a subnet the function does not use', source: SRC.lambdaVpc });
        for (const action of ['ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface']) {
          out.push({ actor, principal: role, action, resource: eni, expect: 'allow', why: 'Lambda manages the function\'s network interfaces', source: SRC.lambdaVpc });
        }
      }
      const token = this.t.str({ 'Fn::GetAtt': [fnId, 'Arn'] });
      const served = this.t.resources.filter(([, r]) => r.Properties?.ServiceToken && this.t.str(r.Properties.ServiceToken) === token);
      for (const [crId, cr] of served) {
        const p = this.t.resolve(cr.Properties);
        const actor2 = `${actor} (${cr.Type} ${crId})`;
        if (cr.Type === 'Custom::ConnectorPluginArtifact') {
          const object = `arn:${ENV.partition}:s3:::${p.Bucket}/${p.KeyPrefix}${p.PluginName}-${'a'.repeat(16)}.zip`;
          out.push({ actor: actor2, principal: role, action: 's3:PutObject', resource: object, expect: 'allow', why: 'uploads the plugin ZIP', source: SRC.pluginFetch, context: { 'aws:SecureTransport': 'true', 's3:x-amz-server-side-encryption': 'aws:kms' } });
          out.push({ actor: actor2, principal: role, action: 'kms:GenerateDataKey', resource: p.KmsKeyArn, expect: 'allow', why: 'SSE-KMS upload', source: SRC.pluginFetch, context: { 'kms:ViaService': `s3.${ENV.region}.amazonaws.com`, 'kms:CallerAccount': ENV.account } });
          out.push({ actor: actor2, principal: role, action: 's3:PutObject', resource: `arn:${ENV.partition}:s3:::${p.Bucket}/other/object.zip`, expect: 'deny', why: 'writes only under the plugin prefix', source: SRC.pluginFetch, context: { 'aws:SecureTransport': 'true' } });
        } else if (cr.Type === 'Custom::MySqlCdcSetup') {
          for (const secret of [p.AdminSecretArn, p.CdcSecretArn]) {
            out.push({ actor: actor2, principal: role, action: 'secretsmanager:GetSecretValue', resource: secret, expect: 'allow', why: 'reads the secret', source: SRC.cdcSetup });
            const key = this.secret(secret).keyArn;
            if (key) {
              out.push({ actor: actor2, principal: role, action: 'kms:Decrypt', resource: key, expect: 'allow', why: 'Secrets Manager decrypts for the caller', source: SRC.cdcSetup, context: { 'kms:ViaService': `secretsmanager.${ENV.region}.amazonaws.com`, 'kms:CallerAccount': ENV.account, 'kms:EncryptionContext:SecretARN': secret } });
            }
          }
          out.push({ actor: actor2, principal: role, action: 'rds-data:ExecuteStatement', resource: p.ClusterArn, expect: 'deny', why: 'no Data API path: the SQL goes over the VPC', source: SRC.cdcSetup });
          // Nothing else in the template can read the master secret.
          for (const [otherId] of this.t.ofType('AWS::IAM::Role')) {
            const other = this.t.str({ 'Fn::GetAtt': [otherId, 'Arn'] });
            if (other !== role) {
              out.push({ actor: `role ${otherId}`, principal: other, action: 'secretsmanager:GetSecretValue', resource: p.AdminSecretArn, expect: 'deny', why: 'only the setup handler reads the master secret', source: SRC.adminSecretReaders });
            }
          }
        } else if (cr.Type === 'Custom::AWS') {
          const call = JSON.parse(p.Create ?? p.Update ?? '{}');
          if (call.service === 'Kafka' && call.action === 'getBootstrapBrokers') {
            out.push({ actor: actor2, principal: role, action: 'kafka:GetBootstrapBrokers', resource: call.parameters.ClusterArn, expect: 'allow', why: 'reads the bootstrap brokers', source: SRC.bootstrap });
          }
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Evaluation

  private async simulate(r: RuntimeRequest): Promise<string> {
    if (r.resource.includes('<unknown:') || r.principal.includes('<unknown:')) {
      return `Error: unresolved value in ${r.principal} / ${r.resource}`;
    }
    const isService = r.principal.endsWith('.amazonaws.com');
    // Actions without a resource type in the Service Authorization Reference are authorized against "*" (e.g.
    // kafka:GetBootstrapBrokers): IAM matches the policy's Resource against "*", not against the ARN in the call.
    const [service, action] = r.action.split(':');
    const resource = await isWildcardOnlyAction(service, action) ? '*' : r.resource;
    const simulation: Parameters<typeof runSimulation>[0] = {
      request: {
        principal: r.principal,
        action: r.action,
        resource: { resource, accountId: ENV.account },
        contextVariables: { ...(isService ? { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': r.principal } : {}), ...r.context ?? {} },
      },
      identityPolicies: isService ? [] : this.identityPolicies(r.principal),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: this.resourcePolicy(r),
    };
    const key = JSON.stringify(simulation);
    let answer = SIMULATIONS.get(key);
    if (answer === undefined) {
      answer = runSimulation(simulation, {}).then((result) => result.resultType === 'error'
        ? `Error: ${JSON.stringify(result.errors)}`
        : (result as any).overallResult ?? (result as any).result?.analysis?.result);
      SIMULATIONS.set(key, answer);
    }
    return answer;
  }

  /** Every policy attached to the role with this ARN: managed policies, AWS::IAM::Policy and inline policies. */
  private identityPolicies(roleArn: string): Array<{ name: string; policy: any }> {
    let policies = this.policiesOf.get(roleArn);
    if (!policies) {
      policies = this.collectIdentityPolicies(roleArn);
      this.policiesOf.set(roleArn, policies);
    }
    return policies;
  }

  private collectIdentityPolicies(roleArn: string): Array<{ name: string; policy: any }> {
    const roleId = this.t.ofType('AWS::IAM::Role').find(([id]) => this.t.str({ 'Fn::GetAtt': [id, 'Arn'] }) === roleArn)?.[0];
    if (!roleId) {
      throw new Error(`no role ${roleArn} in the template`);
    }
    const attached = (roles: any[] | undefined) => (roles ?? []).some((x) => TemplateResolver.target(x) === roleId);
    const policies: Array<{ name: string; policy: any }> = [];
    const role = this.t.resource(roleId).Properties;
    for (const [id, r] of this.t.ofType('AWS::IAM::ManagedPolicy')) {
      const viaRole = (role.ManagedPolicyArns ?? []).some((a: any) => TemplateResolver.target(a) === id);
      if (attached(r.Properties.Roles) || viaRole) {
        policies.push({ name: id, policy: this.t.resolve(r.Properties.PolicyDocument) });
      }
    }
    for (const [id, r] of this.t.ofType('AWS::IAM::Policy')) {
      if (attached(r.Properties.Roles)) {
        policies.push({ name: id, policy: this.t.resolve(r.Properties.PolicyDocument) });
      }
    }
    for (const [i, inline] of (role.Policies ?? []).entries()) {
      policies.push({ name: `${roleId}-inline-${i}`, policy: this.t.resolve(inline.PolicyDocument) });
    }
    return policies.map((p) => ({ name: p.name, policy: stringify(p.policy) }));
  }

  /** The resource policy AWS evaluates for this request, or undefined where the resource type has none. */
  private resourcePolicy(r: RuntimeRequest): any {
    const arn = r.resource;
    if (r.action === 'sts:AssumeRole') {
      const roleId = this.t.ofType('AWS::IAM::Role').find(([id]) => this.t.str({ 'Fn::GetAtt': [id, 'Arn'] }) === arn)?.[0];
      return roleId ? stringify(this.t.resolve(this.t.resource(roleId).Properties.AssumeRolePolicyDocument)) : undefined;
    }
    if (arn.includes(':kms:')) {
      const keyId = this.t.ofType('AWS::KMS::Key').find(([id]) => this.t.str({ 'Fn::GetAtt': [id, 'Arn'] }) === arn)?.[0];
      return keyId ? stringify(this.t.resolve(this.t.resource(keyId).Properties.KeyPolicy)) : defaultKeyPolicy();
    }
    if (arn.includes(':sns:')) {
      const policy = this.t.ofType('AWS::SNS::TopicPolicy').find(([, p]) => (p.Properties.Topics as any[]).some((t) => this.t.str(t) === arn));
      return policy ? stringify(this.t.resolve(policy[1].Properties.PolicyDocument)) : snsDefaultPolicy(arn);
    }
    if (arn.includes(':secretsmanager:')) {
      const policy = this.t.ofType('AWS::SecretsManager::ResourcePolicy').find(([, p]) => this.t.str(p.Properties.SecretId) === arn);
      return policy ? stringify(this.t.resolve(policy[1].Properties.ResourcePolicy)) : undefined;
    }
    if (arn.startsWith(`arn:${ENV.partition}:s3:::`)) {
      const bucket = arn.split(':::')[1].split('/')[0];
      const policy = this.t.ofType('AWS::S3::BucketPolicy').find(([, p]) => this.t.str(p.Properties.Bucket) === bucket);
      return policy ? stringify(this.t.resolve(policy[1].Properties.PolicyDocument)) : undefined;
    }
    return undefined;
  }
}

/** Kafka Connect treats a connector with `topics` or `topics.regex` as a sink. */
function isSinkConfig(config: Record<string, string>): boolean {
  return config.topics !== undefined || config['topics.regex'] !== undefined;
}

/** Data topics, schema-change topic, heartbeat topic and history topic/group of a Debezium MySQL configuration. */
export function debeziumTopics(config: Record<string, string>) {
  const v1 = config['topic.prefix'] === undefined;
  const prefix = v1 ? config['database.server.name'] : config['topic.prefix'];
  const databases = (config['database.include.list'] ?? 'inventory').split(',').map((s) => s.trim());
  const tables = config['table.include.list']?.split(',').map((s) => s.trim())
    ?? databases.map((db) => `${db}.orders`);
  const historyPrefix = v1 ? 'database.history' : 'schema.history.internal';
  const heartbeatMs = Number(config['heartbeat.interval.ms'] ?? '0');
  const heartbeatPrefix = (v1 ? config['heartbeat.topics.prefix'] : config['topic.heartbeat.prefix']) ?? '__debezium-heartbeat';
  return {
    prefix,
    dataTopics: tables.map((t) => `${prefix}.${t}`),
    schemaChangeTopic: config['include.schema.changes'] === 'false' ? undefined : prefix,
    heartbeatTopic: heartbeatMs > 0 ? `${heartbeatPrefix}.${prefix}` : undefined,
    historyPrefix,
    historyTopic: config[`${historyPrefix}.kafka.topic`],
    historyGroup: v1 ? `${prefix}-dbhistory` : `${prefix}-schemahistory`,
  };
}

/** Policies with unknown values rendered as text (so a statement on an unknown resource simply does not match). */
function stringify(policy: any): any {
  return JSON.parse(JSON.stringify(policy, (_k, v) => (v instanceof Unknown ? v.toString() : v)));
}
