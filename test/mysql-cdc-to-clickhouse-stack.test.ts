import { Template } from 'aws-cdk-lib/assertions';
import { MySqlCdcToClickHouseStack } from '../lib';
import { describeFindings, nagFindings, testApp, validatorFindings } from './support/compliance';

describe('MySqlCdcToClickHouseStack', () => {
  const stack = new MySqlCdcToClickHouseStack(testApp(), 'Cdc');
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

  test('zero unacknowledged findings from the four cdk-nag packs, Guard and CloudFormation Validate', () => {
    expect(describeFindings(nagFindings(stack))).toEqual([]);
    expect(describeFindings(validatorFindings(stack))).toEqual([]);
  });

  test('snapshot (asset hashes stripped)', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});
