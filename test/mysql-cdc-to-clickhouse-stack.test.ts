import { Template } from 'aws-cdk-lib/assertions';
import { MySqlCdcToClickHouseStack } from '../lib';
import { describeFindings, nagFindings, testApp, validatorFindings } from './support/compliance';

describe('MySqlCdcToClickHouseStack', () => {
  const stack = new MySqlCdcToClickHouseStack(testApp(), 'Cdc');
  const template = Template.fromStack(stack);

  test('Aurora -> Debezium -> MSK -> ClickHouse sink reading Debezium envelopes', () => {
    template.resourceCountIs('AWS::RDS::DBCluster', 1);
    template.resourceCountIs('AWS::KafkaConnect::Connector', 2);
    template.hasResourceProperties('AWS::KafkaConnect::Connector', {
      ConnectorConfiguration: { 'connector.class': 'com.clickhouse.kafka.connect.ClickHouseSinkConnector', 'debeziumCDCEnabled': 'true', 'topics.regex': 'cdc\\.shop\\..*' },
    });
    template.hasResourceProperties('AWS::KafkaConnect::Connector', {
      ConnectorConfiguration: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'topic.prefix': 'cdc', 'database.include.list': 'shop' },
    });
    expect(JSON.stringify(template.toJSON())).toContain('/cdc.shop.*');
  });

  test('zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', () => {
    expect(describeFindings(nagFindings(stack))).toEqual([]);
    expect(describeFindings(validatorFindings(stack))).toEqual([]);
  });

  test('snapshot (asset hashes stripped)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});
