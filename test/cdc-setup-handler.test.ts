import { makeHandler, statements } from '../lib/handlers/cdc-setup';

// These tests exercise the handler's source; test/lambda-runtime-contract.test.ts loads its bundle the way the Lambda
// runtime does.

const PROPS = { ClusterArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:cdc', AdminSecretArn: 'arn:admin', CdcSecretArn: 'arn:cdc', BinlogRetentionHours: '72' };
const event = (RequestType: string, props = PROPS) => ({ RequestType, ResourceProperties: props, StackId: 's', RequestId: 'r', LogicalResourceId: 'Setup', ResponseURL: 'https://x.invalid/' });

function fakeDeps(user = { username: 'debezium', password: "p'w\\d" }, failOn?: RegExp) {
  const executed: Array<{ resourceArn: string; secretArn: string; sql: string }> = [];
  const responses: Array<{ status: string; reason?: string }> = [];
  return {
    executed,
    responses,
    deps: {
      send: async (_e: unknown, status: string, _id: string, _data: unknown, reason?: string) => { responses.push({ status, reason }); },
      clients: {
        readSecret: async (arn: string) => { expect(arn).toBe('arn:cdc'); return user; },
        execute: async (resourceArn: string, secretArn: string, sql: string) => {
          if (failOn?.test(sql)) {
            throw new Error(`Database error executing: ${sql}`);
          }
          executed.push({ resourceArn, secretArn, sql });
        },
      },
    },
  };
}

describe('cdc-setup handler', () => {
  test('sets binlog retention, creates the user with SSL required and grants exactly what Debezium needs', async () => {
    const { deps, executed, responses } = fakeDeps();
    await makeHandler(deps)(event('Create'), {});
    expect(executed.map((e) => e.sql)).toEqual([
      "CALL mysql.rds_set_configuration('binlog retention hours', 72)",
      "CREATE USER IF NOT EXISTS 'debezium'@'%' IDENTIFIED BY 'p''w\\\\d' REQUIRE SSL",
      "ALTER USER 'debezium'@'%' IDENTIFIED BY 'p''w\\\\d' REQUIRE SSL",
      "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'debezium'@'%'",
    ]);
    expect(executed.every((e) => e.resourceArn === PROPS.ClusterArn && e.secretArn === PROPS.AdminSecretArn)).toBe(true);
    expect(responses).toEqual([{ status: 'SUCCESS', reason: undefined }]);
  });

  test('with captured databases, reads are limited to them; an older global SELECT is revoked', async () => {
    const { deps, executed } = fakeDeps();
    await makeHandler(deps)(event('Update', { ...PROPS, CapturedDatabases: 'shop,billing' } as any), {});
    expect(executed.map((e) => e.sql).slice(3)).toEqual([
      "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%'",
      "REVOKE IF EXISTS SELECT, LOCK TABLES ON *.* FROM 'debezium'@'%'",
      "GRANT SELECT, LOCK TABLES ON `shop`.* TO 'debezium'@'%'",
      "GRANT SELECT, LOCK TABLES ON `billing`.* TO 'debezium'@'%'",
    ]);
  });

  test('a database name that is not one is refused before any SQL runs', async () => {
    const { deps, executed, responses } = fakeDeps();
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await makeHandler(deps)(event('Create', { ...PROPS, CapturedDatabases: 'shop`; DROP USER x; --' } as any), {});
    errors.mockRestore();
    expect(executed).toEqual([]);
    expect(responses).toEqual([{ status: 'FAILED', reason: expect.stringContaining('CapturedDatabases must be MySQL database names') }]);
  });

  test('an update runs the same idempotent statements', async () => {
    const { deps, executed } = fakeDeps();
    await makeHandler(deps)(event('Update', { ...PROPS, BinlogRetentionHours: '168' }), {});
    expect(executed[0].sql).toBe("CALL mysql.rds_set_configuration('binlog retention hours', 168)");
    expect(executed).toHaveLength(4);
  });

  test('delete changes nothing', async () => {
    const { deps, executed, responses } = fakeDeps();
    await makeHandler(deps)(event('Delete'), {});
    expect(executed).toHaveLength(0);
    expect(responses[0].status).toBe('SUCCESS');
  });

  test('a database error fails the deployment without the password in the reason', async () => {
    const { deps, responses } = fakeDeps(undefined, /CREATE USER/);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await makeHandler(deps)(event('Create'), {});
    expect(responses[0].status).toBe('FAILED');
    expect(responses[0].reason).toContain("IDENTIFIED BY '***'");
    expect(responses[0].reason).not.toContain('p\'\'w');
    expect(JSON.stringify(errors.mock.calls)).not.toContain('p\'\'w');
    errors.mockRestore();
  });

  test('refuses retention outside 1-2160 hours', () => {
    expect(() => statements({ BinlogRetentionHours: '0' }, { username: 'u', password: 'p' })).toThrow('BinlogRetentionHours must be a whole number from 1 to 2160, got 0');
  });

  test('refuses a user name that is not a plain identifier', () => {
    expect(() => statements({ BinlogRetentionHours: '24' }, { username: "x'@'%'; DROP", password: 'p' })).toThrow('the CDC user name must be 1-32 letters, digits or underscores');
  });
});
