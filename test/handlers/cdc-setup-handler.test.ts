import { commonName, makeHandler, rdsCaCertificates, redact, statements } from '../../lib/handlers/cdc-setup';
import { RDS_CA_RSA2048_G1_REGIONS } from '../../lib/private/rds-ca';

// These tests exercise the handler's source; test/handlers/lambda-runtime-contract.test.ts loads its bundle the way the Lambda
// runtime does.

const PROPS = {
  ClusterArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:cdc',
  Hostname: 'cdc.cluster-abc.eu-west-1.rds.amazonaws.com',
  Port: '3307',
  AdminSecretArn: 'arn:admin',
  CdcSecretArn: 'arn:cdc',
  BinlogRetentionHours: '72',
};
const ADMIN = { username: 'cdc_source_admin', password: 'admin-Secret-1' };
const event = (RequestType: string, props = PROPS) => ({ RequestType, ResourceProperties: props, StackId: 's', RequestId: 'r', LogicalResourceId: 'Setup', ResponseURL: 'https://x.invalid/' });

function fakeDeps(user = { username: 'debezium', password: "p'w\\d" }, failOn?: RegExp) {
  const executed: Array<{ sql: string }> = [];
  const connections: any[] = [];
  const responses: Array<{ status: string; reason?: string }> = [];
  let ended = 0;
  return {
    executed,
    connections,
    responses,
    ended: () => ended,
    deps: {
      send: async (_e: unknown, status: string, _id: string, _data: unknown, reason?: string) => { responses.push({ status, reason }); },
      ca: ['<test CA>'],
      clients: {
        readSecret: async (arn: string) => ({ 'arn:admin': ADMIN, 'arn:cdc': user } as Record<string, any>)[arn],
        connect: async (options: any) => {
          connections.push(options);
          return {
            query: async (sql: string) => {
              if (failOn?.test(sql)) {
                throw new Error(`Database error executing: ${sql}`);
              }
              executed.push({ sql });
            },
            end: async () => { ended++; },
          };
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
    expect(responses).toEqual([{ status: 'SUCCESS', reason: undefined }]);
  });

  test('connects once, to the writer endpoint as the administrator, trusting only the given CAs, and closes the session', async () => {
    const { deps, connections, ended } = fakeDeps();
    await makeHandler(deps)(event('Create'), {});
    expect(connections).toEqual([{ host: PROPS.Hostname, port: 3307, user: ADMIN.username, password: ADMIN.password, ca: ['<test CA>'] }]);
    expect(ended()).toBe(1);
  });

  test('the session is closed when a statement fails', async () => {
    const { deps, ended, responses } = fakeDeps(undefined, /GRANT/);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await makeHandler(deps)(event('Create'), {});
    errors.mockRestore();
    expect(ended()).toBe(1);
    expect(responses[0].status).toBe('FAILED');
  });

  test('fails without a usable endpoint, before reading any secret', async () => {
    const { deps, connections, responses } = fakeDeps();
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await makeHandler(deps)(event('Create', { ...PROPS, Port: '0' }), {});
    errors.mockRestore();
    expect(connections).toEqual([]);
    expect(responses).toEqual([{ status: 'FAILED', reason: 'Hostname and Port must name the writer endpoint, got cdc.cluster-abc.eu-west-1.rds.amazonaws.com:0' }]);
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

  test('delete changes nothing and opens no connection', async () => {
    const { deps, executed, responses, connections } = fakeDeps();
    await makeHandler(deps)(event('Delete'), {});
    expect(executed).toHaveLength(0);
    expect(connections).toHaveLength(0);
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

  test('neither password survives in an error message, quoted or not (a syntax error quotes the statement near the error)', () => {
    const near = "You have an error in your SQL syntax; check the manual near 'p''w\\\\d' REQUIRE SSL' at line 1; login admin-Secret-1 refused";
    const out = redact(near, ["p'w\\d", 'admin-Secret-1']);
    expect(out).toBe("You have an error in your SQL syntax; check the manual near '***' REQUIRE SSL' at line 1; login *** refused");
  });

  test('trusts by default the rds-ca-rsa2048-g1 root of each region the bundle covers, and nothing else', () => {
    const names = rdsCaCertificates().map(commonName);
    expect(names.length).toBeGreaterThanOrEqual(27);
    expect(names.every((n) => /^Amazon RDS [a-z]{2}(-[a-z]+)+-\d Root CA RSA2048 G1$/.test(n))).toBe(true);
    // The construct refuses other regions at synth with this list.
    expect(names.map((n) => n.split(' ')[2]).sort()).toEqual(RDS_CA_RSA2048_G1_REGIONS);
  });

  test('refuses retention outside 1-2160 hours', () => {
    expect(() => statements({ BinlogRetentionHours: '0' }, { username: 'u', password: 'p' })).toThrow('BinlogRetentionHours must be a whole number from 1 to 2160, got 0');
  });

  test('refuses a user name that is not a plain identifier', () => {
    expect(() => statements({ BinlogRetentionHours: '24' }, { username: "x'@'%'; DROP", password: 'p' })).toThrow('the CDC user name must be 1-32 letters, digits or underscores');
  });

  test('refuses to take over the administrator or an RDS account (it would reset that account\'s password)', async () => {
    expect(() => statements({ BinlogRetentionHours: '24' }, { username: 'rdsadmin', password: 'p' }))
      .toThrow("the CDC user name must not be the administrator's or an RDS account (rdsadmin, rdsrepladmin, rds_superuser_role), got 'rdsadmin'");
    const { deps, executed, responses } = fakeDeps({ username: 'cdc_source_admin', password: 'Cdc-Secret-2' });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await makeHandler(deps)(event('Create'), {});
    errors.mockRestore();
    expect(executed).toEqual([]);
    expect(responses).toEqual([{ status: 'FAILED', reason: "the CDC user name must not be the administrator's or an RDS account (rdsadmin, rdsrepladmin, rds_superuser_role), got 'cdc_source_admin'" }]);
  });

  test('refuses MySQL system databases and a database named twice', () => {
    expect(() => statements({ BinlogRetentionHours: '24', CapturedDatabases: 'shop,information_schema' }, { username: 'u', password: 'p' }))
      .toThrow("CapturedDatabases must not name a MySQL system database (mysql, sys, information_schema, performance_schema), got 'information_schema'");
    expect(() => statements({ BinlogRetentionHours: '24', CapturedDatabases: 'shop,billing,shop' }, { username: 'u', password: 'p' }))
      .toThrow("CapturedDatabases must not name a database twice, got 'shop' twice");
  });
});
