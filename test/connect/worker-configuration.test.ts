import { Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WorkerConfiguration } from '../../lib';
import { testApp } from '../support/compliance';

function decoded(stack: Stack): string {
  const wc = Object.values(Template.fromStack(stack).findResources('AWS::KafkaConnect::WorkerConfiguration'))[0];
  const base64 = wc.Properties.PropertiesFileContent['Fn::Base64'];
  return typeof base64 === 'string' ? base64 : JSON.stringify(base64);
}

describe('WorkerConfiguration', () => {
  test('the guide\'s tuning maps to consumer.max.poll.records and consumer.max.partition.fetch.bytes', () => {
    const stack = new Stack(testApp(), 'S');
    new WorkerConfiguration(stack, 'Workers', { maxPollRecords: 5000, maxPartitionFetchBytes: WorkerConfiguration.fetchBytesFor(5000, 1024) });
    expect(decoded(stack)).toBe([
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      'consumer.max.poll.records=5000',
      'consumer.max.partition.fetch.bytes=5120000',
    ].join('\n'));
  });

  test('fetchBytesFor multiplies records by record size (the guide\'s defaults: 500 x 2097 ~ 1 MiB)', () => {
    expect(WorkerConfiguration.fetchBytesFor(500, 2048)).toBe(1024000);
  });

  test('the Secrets Manager config provider is declared with the stack region', () => {
    const stack = new Stack(testApp(), 'S');
    const wc = new WorkerConfiguration(stack, 'Workers', { secretsManagerConfigProvider: true });
    const text = decoded(stack);
    expect(text).toContain('config.providers=secretsmanager');
    expect(text).toContain('config.providers.secretsmanager.class=com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider');
    expect(text).toContain('config.providers.secretsmanager.param.region=');
    expect(text).toContain('AWS::Region');
    expect(wc.secretsManagerConfigProvider).toBe(true);
  });

  test('the name carries a content hash, so a changed configuration never collides with the old one', () => {
    const name = (maxPollRecords: number) => {
      const stack = new Stack(testApp(), 'S');
      return stack.resolve(new WorkerConfiguration(stack, 'Workers', { maxPollRecords, secretsManagerConfigProvider: true }).workerConfigurationName);
    };
    expect(name(500)).not.toBe(name(1000));
    expect(name(500)).toBe(name(500));
    expect(name(500)).toMatch(/^S-Workers-[0-9A-F]{8}-[0-9a-f]{8}$/);
  });

  test('allowed consumer and producer overrides pass', () => {
    const stack = new Stack(testApp(), 'S');
    new WorkerConfiguration(stack, 'Workers', { properties: { 'consumer.auto.offset.reset': 'latest', 'producer.linger.ms': '50', 'offset.flush.interval.ms': '10000' } });
    expect(decoded(stack)).toContain('consumer.auto.offset.reset=latest');
  });

  describe('bad input', () => {
    const make = (props: any) => () => new WorkerConfiguration(new Stack(testApp(), 'S'), 'W', props);
    test('fails on a disallowed prefix', () => {
      expect(make({ properties: { 'security.protocol': 'PLAINTEXT' } })).toThrow("`properties` cannot set 'security.protocol': MSK Connect manages every 'security.*' worker property");
    });
    test('fails on a disallowed key', () => {
      expect(make({ properties: { 'bootstrap.servers': 'b:9092' } })).toThrow("`properties` cannot set 'bootstrap.servers': MSK Connect manages this worker property");
    });
    test('fails on a consumer override MSK Connect does not allow', () => {
      expect(make({ properties: { 'consumer.group.id': 'x' } })).toThrow("`properties` cannot set 'consumer.group.id': MSK Connect allows only these consumer overrides");
    });
    test('fails on a producer override MSK Connect does not allow', () => {
      expect(make({ properties: { 'producer.transactional.id': 'x' } })).toThrow("`properties` cannot set 'producer.transactional.id': MSK Connect allows only these producer overrides");
    });
    test('fails on config providers set by hand', () => {
      expect(make({ properties: { 'config.providers': 'x' } })).toThrow("`properties` cannot set 'config.providers': declare config providers with `secretsManagerConfigProvider`");
    });
    test('fails when a tuning value is set twice', () => {
      expect(make({ maxPollRecords: 10, properties: { 'consumer.max.poll.records': '20' } })).toThrow("`maxPollRecords` and `properties` both set 'consumer.max.poll.records'; set it once");
    });
    test('fails on a non-positive record count', () => {
      expect(make({ maxPollRecords: 0 })).toThrow('`maxPollRecords` must be a whole number between 1 and 1000000, got 0');
    });
    test('fails on a record size of zero', () => {
      expect(() => WorkerConfiguration.fetchBytesFor(500, 0)).toThrow('`recordSizeBytes` must be a whole number of at least 1, got 0');
    });
    test('fails on a multi-line value', () => {
      expect(make({ properties: { 'offset.flush.interval.ms': '1\nsecurity.protocol=PLAINTEXT' } })).toThrow('`properties` must map property names to single-line values');
    });
  });
});

describe('WorkerConfiguration.fromWorkerConfigurationAttributes', () => {
  const arn = 'arn:aws:kafkaconnect:eu-west-1:111122223333:worker-configuration/shared-workers/0a1b2c3d-1111-2222-3333-444455556666-3';

  test('uses the ARN and revision as given; the config provider is not assumed', () => {
    const stack = new Stack(testApp(), 'S');
    const plain = WorkerConfiguration.fromWorkerConfigurationAttributes(stack, 'Plain', { workerConfigurationArn: arn, revision: 4 });
    expect([plain.workerConfigurationArn, plain.revision, plain.secretsManagerConfigProvider]).toEqual([arn, 4, false]);
    const withProvider = WorkerConfiguration.fromWorkerConfigurationAttributes(stack, 'WithProvider', { workerConfigurationArn: arn, revision: 1, secretsManagerConfigProvider: true });
    expect(withProvider.secretsManagerConfigProvider).toBe(true);
    const fromToken = WorkerConfiguration.fromWorkerConfigurationAttributes(stack, 'FromToken', { workerConfigurationArn: Fn.importValue('WorkersArn'), revision: 1 });
    expect(stack.resolve(fromToken.workerConfigurationArn)).toEqual({ 'Fn::ImportValue': 'WorkersArn' });
  });

  test('fails on an ARN that is not an MSK Connect worker configuration', () => {
    const stack = new Stack(testApp(), 'S');
    const fails = (workerConfigurationArn: string) => expect(() => WorkerConfiguration.fromWorkerConfigurationAttributes(stack, 'W', { workerConfigurationArn, revision: 1 }))
      .toThrow(`\`workerConfigurationArn\` must be an MSK Connect worker configuration ARN (arn:<partition>:kafkaconnect:<region>:<account>:worker-configuration/<name>/<uuid>), got '${workerConfigurationArn}'`);
    fails('arn:aws:kafkaconnect:eu-west-1:111122223333:custom-plugin/clickhouse/0a1b2c3d-1');
    fails('arn:aws:kafka:eu-west-1:111122223333:worker-configuration/shared-workers/0a1b2c3d-1');
    fails('arn:aws:kafkaconnect:::worker-configuration/shared-workers/0a1b2c3d-1');
    fails('shared-workers');
  });

  test('fails on a revision below 1 (MSK Connect numbers revisions from 1)', () => {
    const stack = new Stack(testApp(), 'S');
    expect(() => WorkerConfiguration.fromWorkerConfigurationAttributes(stack, 'W', { workerConfigurationArn: arn, revision: 0 }))
      .toThrow('`revision` must be a whole number of at least 1, got 0');
  });
});

describe('bad input: values of worker properties (#14)', () => {
  const fails = (properties: { [key: string]: string }, message: string) =>
    expect(() => new WorkerConfiguration(new Stack(testApp(), 'S'), 'Workers', { properties })).toThrow(message);

  test('fails on a secret written into a worker property (base64 in the template is plain text)', () => {
    fails({ 'value.converter.basic.auth.user.info': 'ingest:s3cr3t' },
      "`properties` 'value.converter.basic.auth.user.info' must be a config-provider reference such as '${secretsmanager:<secret-name>:<key>}', not a literal value (it would be stored in plain text in the template and the connector)");
    fails({ 'value.converter.schema.registry.url': 'https://ingest:s3cr3t@registry.example.com' },
      "`properties` 'value.converter.schema.registry.url' holds a password in its value (a 'password=' parameter or a 'user:password@' URL)");
    expect(() => new WorkerConfiguration(new Stack(testApp(), 'S'), 'Workers', {
      secretsManagerConfigProvider: true,
      properties: {
        'value.converter.basic.auth.user.info': '${secretsmanager:registry/ingest:userinfo}',
        'value.converter.basic.auth.credentials.source': 'USER_INFO',
        'value.converter.schema.registry.url': 'https://registry.example.com',
      },
    })).not.toThrow();
  });
  test('fails on an auto.offset.reset Kafka does not know', () => {
    fails({ 'consumer.auto.offset.reset': 'smallest' }, "`properties` 'consumer.auto.offset.reset' must be one of 'earliest', 'latest', 'none', got 'smallest'");
  });
  test('fails on producer acks that are not all, -1, 0 or 1', () => {
    fails({ 'producer.acks': '2' }, "`properties` 'producer.acks' must be one of 'all', '-1', '0', '1', got '2'");
  });
  test('fails on a compression type Kafka does not know', () => {
    fails({ 'producer.compression.type': 'brotli' }, "`properties` 'producer.compression.type' must be one of 'none', 'gzip', 'snappy', 'lz4', 'zstd', got 'brotli'");
  });
  test('fails on a short assignor name instead of a class', () => {
    fails({ 'consumer.partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RangeAssignor, roundrobin' },
      "`properties` 'consumer.partition.assignment.strategy' must list fully qualified assignor classes such as 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor', got 'roundrobin'");
  });
  test('fails on a boolean that is not true or false', () => {
    fails({ 'consumer.check.crcs': 'yes' }, "`properties` 'consumer.check.crcs' must be one of 'true', 'false', got 'yes'");
  });
  test('fails on a number that is not a whole number', () => {
    fails({ 'consumer.max.poll.records': '1e3' }, "`properties` 'consumer.max.poll.records' must be a whole number between 1 and 2147483647, got '1e3'");
  });
  test('fails on a number out of the ConfigDef range', () => {
    fails({ 'producer.metadata.max.idle.ms': '1000' }, "`properties` 'producer.metadata.max.idle.ms' must be a whole number between 5000 and 9007199254740991, got '1000'");
  });
  test('fails on an int beyond Java int range', () => {
    fails({ 'producer.batch.size': '3000000000' }, "`properties` 'producer.batch.size' must be a whole number between 0 and 2147483647, got '3000000000'");
  });
  test('fails on a converter that is not a class name', () => {
    fails({ 'value.converter': 'json' }, "`properties` 'value.converter' must be a fully qualified Java class name such as 'org.apache.kafka.connect.storage.StringConverter', got 'json'");
  });
  test('fails on an invalid offset.storage.topic given as a property', () => {
    fails({ 'offset.storage.topic': 'offsets of sink' }, "`properties` must be a Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'), got 'offsets of sink'");
  });
  test('fails on a heartbeat not below the session timeout', () => {
    fails({ 'consumer.heartbeat.interval.ms': '10000', 'consumer.session.timeout.ms': '10000' },
      "`properties` 'consumer.heartbeat.interval.ms' (10000) must be lower than 'consumer.session.timeout.ms' (10000)");
  });
  test('fails on a heartbeat not below the default session timeout', () => {
    fails({ 'consumer.heartbeat.interval.ms': '60000' },
      "`properties` 'consumer.heartbeat.interval.ms' (60000) must be lower than 'consumer.session.timeout.ms' (45000, the default)");
  });
  test('fails on the idempotent producer without acks=all', () => {
    fails({ 'producer.enable.idempotence': 'true', 'producer.acks': '1' },
      "`properties` 'producer.enable.idempotence' true needs 'producer.acks' all (the idempotent producer requires it), got '1'");
  });
  test('fails on a description longer than CloudFormation takes', () => {
    expect(() => new WorkerConfiguration(new Stack(testApp(), 'S'), 'Workers', { description: 'x'.repeat(1025) }))
      .toThrow('`description` must be at most 1024 characters, got 1025');
  });
  test('valid values pass, booleans in any case as Kafka parses them', () => {
    const stack = new Stack(testApp(), 'S');
    new WorkerConfiguration(stack, 'Workers', {
      properties: {
        'consumer.auto.offset.reset': 'earliest',
        'producer.acks': '-1',
        'producer.enable.idempotence': 'TRUE',
        'producer.compression.type': 'zstd',
        'consumer.partition.assignment.strategy': 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
        'consumer.heartbeat.interval.ms': '3000',
      },
    });
    expect(decoded(stack)).toContain('producer.compression.type=zstd');
  });
});
