import { Template } from 'aws-cdk-lib/assertions';
import { MySqlCdcToClickHouseStack, MySqlCdcToClickHouseStackProps } from '../../lib';
import { testApp } from '../support/compliance';
import { CDC_EXAMPLE, EXAMPLE_SINK_RELEASE } from '../support/fixtures';
import { connectorConfigurations, inventory, policyStatements, propertiesFiles, propertiesOf, securityGroupRules } from '../support/focused';

describe('MySqlCdcToClickHouseStack', () => {
  const stack = new MySqlCdcToClickHouseStack(testApp(), 'Cdc', CDC_EXAMPLE);
  const template = Template.fromStack(stack);

  test('Aurora -> Debezium (change rows) -> MSK -> ClickHouse sink applying them with the Kafka offset as version', () => {
    template.resourceCountIs('AWS::RDS::DBCluster', 1);
    template.resourceCountIs('AWS::KafkaConnect::Connector', 2);
    template.hasResourceProperties('AWS::KafkaConnect::Connector', {
      ConnectorConfiguration: {
        'connector.class': 'com.clickhouse.kafka.connect.ClickHouseSinkConnector',
        'topics.regex': 'cdc\\.shop\\..+',
        'transforms': 'changeVersion',
        'transforms.changeVersion.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
        'transforms.changeVersion.offset.field': '_version',
        'clickhouseSettings': 'date_time_input_format=best_effort',
      },
    });
    template.hasResourceProperties('AWS::KafkaConnect::Connector', {
      ConnectorConfiguration: {
        'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
        'topic.prefix': 'cdc',
        'database.include.list': 'shop',
        'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
        'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite',
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('debeziumCDCEnabled');
    expect(JSON.stringify(template.toJSON())).toContain('/cdc.shop.*');
  });

  test('no DependsOn repeats a Ref or GetAtt (CloudFormation Validate W3005) except aws-cdk-lib\'s own function-to-role ones', () => {
    const resources = template.toJSON().Resources as Record<string, any>;
    const referenced = (node: unknown, out: Set<string>): Set<string> => {
      if (Array.isArray(node)) {
        node.forEach((n) => referenced(n, out));
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'Ref' && typeof v === 'string') {
            out.add(v);
          } else if (k === 'Fn::GetAtt') {
            out.add(Array.isArray(v) ? v[0] : String(v).split('.')[0]);
          } else {
            referenced(v, out);
          }
        }
      }
      return out;
    };
    const redundant = Object.entries(resources).flatMap(([id, r]) => {
      const refs = referenced(r.Properties ?? {}, new Set());
      return ([] as string[]).concat(r.DependsOn ?? []).filter((d) => refs.has(d)).map((d) => `${id} (${r.Type}) -> ${d} (${resources[d].Type})`);
    });
    // aws-cdk-lib's lambda.Function and CustomResourceProvider add a dependency on the role they also reference by
    // GetAtt; the library cannot take it back.
    expect(redundant.filter((d) => !/\(AWS::Lambda::Function\) -> \S+ \(AWS::IAM::Role\)$/.test(d))).toEqual([]);
    expect(redundant).toHaveLength(4);
  });

  // Focused snapshots, a backstop for the assertions: each shows one thing a reviewer decides on, one line per
  // resource, statement or rule (asset hashes stripped by test/support/asset-hash-serializer.ts, checksums kept).
  describe('snapshots', () => {
    test('inventory: every resource, its type and deletion policy', () => {
      expect(inventory(template)).toMatchSnapshot();
    });
    test('connector configurations', () => {
      expect(connectorConfigurations(template)).toMatchSnapshot();
    });
    test('broker server properties and worker properties', () => {
      expect(propertiesFiles(template)).toMatchSnapshot();
    });
    test('MSK cluster: encryption, authentication, brokers, logging', () => {
      expect(propertiesOf(template, 'AWS::MSK::Cluster')).toMatchSnapshot();
    });
    test('policies: identity, trust, key, bucket and topic policies, one line per statement', () => {
      expect(policyStatements(template)).toMatchSnapshot();
    });
    test('security groups and their rules', () => {
      expect(securityGroupRules(template)).toMatchSnapshot();
    });
    test('CDC setup custom resource and the Aurora cluster parameters', () => {
      expect(propertiesOf(template, 'Custom::MySqlCdcSetup')).toMatchSnapshot();
      expect(propertiesOf(template, 'AWS::RDS::DBClusterParameterGroup')).toMatchSnapshot();
    });
    test('plugins: artifact URLs with their pinned checksums, and where each plugin is read from', () => {
      expect(propertiesOf(template, 'Custom::ConnectorPluginArtifact')).toMatchSnapshot();
      expect(propertiesOf(template, 'AWS::KafkaConnect::CustomPlugin')).toMatchSnapshot();
    });
  });

  describe('bad input: messages name this stack\'s props', () => {
    const make = (props: Partial<MySqlCdcToClickHouseStackProps>) => () => new MySqlCdcToClickHouseStack(testApp(), 'Bad', { ...CDC_EXAMPLE, ...props });
    test('a required prop missing (JavaScript callers, which TypeScript does not stop) is named', () => {
      expect(make({ databaseName: undefined })).toThrow('`databaseName` is required: give the database of the Aurora source to capture, got undefined');
      expect(make({ debeziumRelease: undefined }))
        .toThrow('`debeziumRelease` is required: give the Debezium plugin and MSK config provider, pinned by SHA-256, got undefined');
    });
    test('fails on a database name RDS or Debezium would not take', () => {
      expect(make({ databaseName: 'shop-db' }))
        .toThrow("`databaseName` must be 1-64 letters, digits or underscores starting with a letter (RDS DatabaseName), got 'shop-db'");
      expect(make({ databaseName: 'sys' }))
        .toThrow("`databaseName` must not name a MySQL system database (mysql, sys, information_schema, performance_schema): the cluster already has it and Debezium does not capture it, got 'sys'");
    });
    test('messages from the connectors name this stack\'s props', () => {
      const configProvider = EXAMPLE_SINK_RELEASE.configProvider;
      const sha256 = '0'.repeat(64);
      expect(make({ debeziumRelease: { sha256: 'abc', configProvider } }))
        .toThrow("`debeziumRelease.sha256` must be a SHA-256 checksum of 64 hex digits, got 'abc'");
      expect(make({ debeziumRelease: { sha256, configProvider: { ...configProvider, sha256: 'xyz' } } }))
        .toThrow("`debeziumRelease.configProvider.sha256` must be a SHA-256 checksum of 64 hex digits, got 'xyz'");
      expect(make({ debeziumRelease: { sha256, configProvider, extraArtifacts: [{ url: 'ftp://x/y.jar', sha256 }] } }))
        .toThrow("`debeziumRelease.extraArtifacts[0].url` must be an https:// URL of a release artifact, got 'ftp://x/y.jar'");
      expect(make({ clickHouseHostname: 'x y' }))
        .toThrow("`clickHouseHostname` must be a host name or IPv4 address without port or path, got 'x y'");
      expect(make({ sinkRelease: { ...EXAMPLE_SINK_RELEASE, version: 'v1.3' } }))
        .toThrow("`sinkRelease.version` must be a release number such as '1.3.5', got 'v1.3'");
    });
    test('fails on a credentials key given by its alias', () => {
      expect(make({ credentialsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:alias/clickhouse' }))
        .toThrow("`credentialsKeyArn` must be the ARN of the key, not of an alias (IAM grants kms:Decrypt on key ARNs only), got 'arn:aws:kms:eu-west-1:111111111111:alias/clickhouse'");
    });
    test('fails on a topic prefix or server id that is not one', () => {
      expect(make({ topicPrefix: 'cdc/eu' }))
        .toThrow("`topicPrefix` must be letters, digits, '.', '_' and '-' (not starting with '.'), got 'cdc/eu'");
      expect(make({ serverId: 2 ** 32 }))
        .toThrow('`serverId` must be a whole number between 1 and 4294967295, got 4294967296');
    });
  });
});
