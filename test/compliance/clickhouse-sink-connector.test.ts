import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { LeastPrivilegeConnectorRole, MskCluster, PrivateSubnetWithNat } from '../../lib';
import { CfnTemplate } from '../support/cfn-resolver';
import { testApp } from '../support/compliance';
import { minimalSink } from '../support/fixtures';
import { RuntimeOracle } from '../support/runtime-oracle';

// The runtime oracle (IAM evaluation of the connector's requests) on a ClickHouse sink with a role of your own; the
// sink's construct tests are in test/clickhouse/clickhouse-sink-connector.test.ts.


describe('a role of your own', () => {
  test('a role of your own replaces the built one; the connector waits for its permissions; the oracle checks it suffices', async () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc });
    const credentials = secretsmanager.Secret.fromSecretNameV2(stack, 'Creds', 'clickhouse/ingest');
    const role = new LeastPrivilegeConnectorRole(stack, 'TeamRole', { cluster, connectorName: 'sink', readTopics: ['events'], secrets: [credentials] });
    const sink = minimalSink(stack, cluster, network.vpc, { credentials, role: role.role });
    expect(sink.connector.leastPrivilegeRole).toBeUndefined();
    expect(sink.permissions.readTopics).toEqual(['events']);
    const t = Template.fromStack(stack);
    const connectorPolicies = Object.keys(t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('MSK Connect connector') } }));
    expect(connectorPolicies).toEqual([expect.stringMatching(/^TeamRolePolicy/)]);
    const connector = Object.values(t.findResources('AWS::KafkaConnect::Connector'))[0];
    expect(connector.Properties.ServiceExecutionRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^TeamRole/), 'Arn'] });
    expect(connector.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^TeamRolePolicy/), expect.stringMatching(/^TeamRole[0-9A-F]{8}$/)]));
    expect(await new RuntimeOracle(t.toJSON() as CfnTemplate, 'S').failures()).toEqual([]);
  });

  test('a role of your own that lacks the secret is caught by the runtime oracle', async () => {
    const stack = new Stack(testApp(), 'S');
    const network = new PrivateSubnetWithNat(stack, 'Net', { flowLogs: false });
    const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc });
    const role = new LeastPrivilegeConnectorRole(stack, 'TeamRole', { cluster, connectorName: 'sink', readTopics: ['events'] });
    // Given as the LeastPrivilegeConnectorRole, synth refuses it (test/clickhouse/clickhouse-sink-connector.test.ts, 'bad input');
    // seen only as an IAM role (an import of its ARN), the oracle still finds what it lacks.
    minimalSink(stack, cluster, network.vpc, { role: iam.Role.fromRoleArn(stack, 'AsImported', role.role.roleArn) });
    expect(await new RuntimeOracle(Template.fromStack(stack).toJSON() as CfnTemplate, 'S').failures()).toEqual([
      expect.stringMatching(/^connector sink: secretsmanager:GetSecretValue on .*:secret:clickhouse\/ingest-\w{6} should be allowed but is ImplicitlyDenied/),
    ]);
  });
});
