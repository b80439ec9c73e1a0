import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { createConnection } from 'mysql2/promise';
import type { CdcSetupClients, SqlSession } from '../../lib/handlers/cdc-setup';

// The deployed code: the bundle (with its own copy of mysql2), built by the jest global setup. A plain JS file
// without types, hence require with the source's types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeHandler, openSession } = require('../../assets/handlers/cdc-setup/index.js') as typeof import('../../lib/handlers/cdc-setup');

// An oracle independent of the handler's code: a real MySQL-compatible server (MariaDB from Debian; MySQL 8 is not
// packaged there) on 127.0.0.1 with TLS, a CA made here with openssl, and the handler's own SQL path (mysql2 over
// verified TLS, from the bundle that is deployed) run against it. What the server then holds is read back with SHOW GRANTS and mysql.user.
//
// Where MariaDB 10.11 differs from MySQL 8 / Aurora MySQL 3, measured here rather than assumed:
// - `REVOKE IF EXISTS` (MySQL 8.0.30+) is a syntax error on MariaDB (ER_PARSE_ERROR 1064; asserted below). MariaDB's
//   plain REVOKE of a global privilege the user lacks succeeds silently (also asserted), which is what IF EXISTS
//   gives on MySQL; the session adapter below therefore sends that one statement without IF EXISTS to MariaDB, and
//   the MySQL text is asserted in test/handlers/cdc-setup-handler.test.ts.
// - MariaDB 10.5+ calls REPLICATION CLIENT "BINLOG MONITOR" in SHOW GRANTS.
// - mysql.rds_set_configuration is Aurora's; the fixture defines a procedure of that name that records its arguments.
// CI installs mariadb-server (.ci/run); without a server binary this file is reported as skipped.

const SERVER = ['mariadbd', 'mysqld'].flatMap((name) => ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']
  .map((dir) => path.join(dir, name))).find((p) => fs.existsSync(p));
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db', '/usr/local/bin/mariadb-install-db'].find((p) => fs.existsSync(p));
const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => fs.existsSync(p));
const missing = [!SERVER && 'a MariaDB/MySQL server binary (mariadbd)', !INSTALL_DB && 'mariadb-install-db', !OPENSSL && 'openssl'].filter(Boolean);
if (missing.length > 0) {
  // Jest reports the tests below as skipped; this says why.
  console.warn(`SKIPPED test/compliance/cdc-setup-mariadb.test.ts: ${missing.join(', ')} not installed (apt-get install -y mariadb-server openssl)`);
}
const describeWithServer = missing.length === 0 ? describe : describe.skip;

jest.setTimeout(60_000);

const ADMIN = { username: 'cdc_source_admin', password: "Adm1n'pa\\ss" };
const CDC = { username: 'debezium', password: "p'w\\d-Debezium-42" };

/** Sends MariaDB the one MySQL-8-only statement in its MariaDB form, recording that it did (see the header). */
function mariaDbDialect(session: SqlSession, sent: string[]): SqlSession {
  return {
    query: (sql) => {
      const mariaDb = sql.replace(/^REVOKE IF EXISTS (.* ON \*\.\* FROM .*)$/, 'REVOKE $1');
      sent.push(mariaDb);
      return session.query(mariaDb);
    },
    end: () => session.end(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

describeWithServer('the CDC setup handler against a real MariaDB server over TLS', () => {
  // Made in beforeAll: jest runs a skipped describe's body too.
  let dir = '';
  const file = (name: string) => path.join(dir, name);
  const socket = () => file('mysqld.sock');
  let port = 0;
  let server: ChildProcess | undefined;
  let root: Awaited<ReturnType<typeof createConnection>>;
  const pem = (name: string) => fs.readFileSync(file(name), 'utf-8');

  const openssl = (...args: string[]) => execFileSync(OPENSSL!, args, { cwd: dir, stdio: 'pipe' });
  function makeCa(name: string) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-mariadb-'));
    // A CA, a server certificate for 'localhost' signed by it, and a second CA that signed nothing of the server's.
    makeCa('test-ca');
    makeCa('rogue-ca');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    fs.writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'test-ca.pem', '-CAkey', 'test-ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    // A certificate from the same CA for another name.
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.csr', '-subj', '/CN=db.example.internal');
    fs.writeFileSync(file('other.cnf'), 'subjectAltName=DNS:db.example.internal\n');
    openssl('x509', '-req', '-in', 'other.csr', '-CA', 'test-ca.pem', '-CAkey', 'test-ca.key', '-CAcreateserial', '-out', 'other.pem', '-days', '2', '-extfile', 'other.cnf');

    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    execFileSync(INSTALL_DB!, ['--no-defaults', `--datadir=${file('data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot], { stdio: 'pipe' });
    port = await freePort();
    server = spawn(SERVER!, [
      '--no-defaults', ...asRoot, `--datadir=${file('data')}`, `--socket=${socket()}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--pid-file=${file('mysqld.pid')}`, `--log-error=${file('error.log')}`, '--skip-log-bin', '--innodb-buffer-pool-size=16M',
      `--ssl-ca=${file('test-ca.pem')}`, `--ssl-cert=${file('server.pem')}`, `--ssl-key=${file('server.key')}`,
      // As the construct's cluster parameter group does.
      '--require-secure-transport=ON',
    ], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        root = await createConnection({ socketPath: socket(), user: 'root' });
        break;
      } catch (e) {
        if (Date.now() > deadline || server.exitCode !== null) {
          const log = fs.existsSync(file('error.log')) ? fs.readFileSync(file('error.log'), 'utf-8') : '';
          throw new Error(`the server did not start: ${String(e)}\n${log.slice(-2000)}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    // The Aurora master user: every privilege, with GRANT OPTION; reachable over TCP (TLS, by require_secure_transport).
    await root.query(`CREATE USER '${ADMIN.username}'@'%' IDENTIFIED BY ?`, [ADMIN.password]);
    await root.query(`GRANT ALL PRIVILEGES ON *.* TO '${ADMIN.username}'@'%' WITH GRANT OPTION`);
    await root.query('CREATE TABLE mysql.rds_configuration_calls (seq INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64), value VARCHAR(64))');
    await root.query('CREATE PROCEDURE mysql.rds_set_configuration(IN name VARCHAR(64), IN value VARCHAR(64)) INSERT INTO mysql.rds_configuration_calls (name, value) VALUES (name, value)');
    await root.query('CREATE DATABASE shop');
    await root.query('CREATE DATABASE billing');
  });

  afterAll(async () => {
    await root?.end().catch(() => undefined);
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs the real handler (real mysql2 session, verified TLS) with `ca` trusted, as CloudFormation would call it. */
  async function runHandler(props: Record<string, string>, ca: string[]) {
    const responses: Array<{ status: string; reason?: string }> = [];
    const sent: string[] = [];
    const connects: Array<{ host: string; ca: string[] }> = [];
    const clients: CdcSetupClients = {
      readSecret: async (arn) => ({ 'arn:admin': ADMIN, 'arn:cdc': CDC } as Record<string, typeof ADMIN>)[arn],
      connect: async (options) => {
        connects.push({ host: options.host, ca: options.ca });
        return mariaDbDialect(await openSession(options), sent);
      },
    };
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await makeHandler({ send: async (_e, status, _id, _d, reason) => { responses.push({ status, reason }); }, clients, ca })({
        RequestType: 'Create',
        ResponseURL: 'https://x.invalid/',
        StackId: 's',
        RequestId: 'r',
        LogicalResourceId: 'Setup',
        ResourceProperties: {
          ClusterArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:cdc',
          Hostname: 'localhost',
          Port: String(port),
          AdminSecretArn: 'arn:admin',
          CdcSecretArn: 'arn:cdc',
          BinlogRetentionHours: '72',
          ...props,
        },
      }, {});
      return { responses, sent, connects, logged: JSON.stringify(errors.mock.calls) };
    } finally {
      errors.mockRestore();
    }
  }

  const userExists = async () => ((await root.query("SELECT 1 FROM mysql.user WHERE User = 'debezium'"))[0] as unknown[]).length > 0;
  async function grants(): Promise<string[]> {
    const [rows] = await root.query("SHOW GRANTS FOR 'debezium'@'%'");
    // MariaDB appends the password hash to the global grant; it is not a privilege.
    return (rows as Array<Record<string, string>>).map((r) => Object.values(r)[0].replace(/ IDENTIFIED BY PASSWORD '[^']*'/, '')).sort();
  }

  test('MariaDB rejects REVOKE IF EXISTS (MySQL 8.0.30+ syntax) and revokes an ungranted global privilege silently', async () => {
    await root.query("CREATE USER 'probe'@'%' IDENTIFIED BY 'x'");
    await expect(root.query("REVOKE IF EXISTS SELECT ON *.* FROM 'probe'@'%'")).rejects.toMatchObject({ errno: 1064 });
    await expect(root.query("REVOKE SELECT, LOCK TABLES ON *.* FROM 'probe'@'%'")).resolves.toBeDefined();
    await root.query("DROP USER 'probe'@'%'");
  });

  test('refuses a server whose certificate is not from the trusted CA, before any statement', async () => {
    const run = await runHandler({}, [pem('rogue-ca.pem')]);
    expect(run.responses).toEqual([{ status: 'FAILED', reason: expect.stringMatching(/self[- ]signed certificate|unable to (get local issuer|verify)/) }]);
    console.log(`rogue CA: ${run.responses[0].reason}`);
    expect(run.sent).toEqual([]);
    expect(await userExists()).toBe(false);
  });

  test('refuses a server whose certificate, from the trusted CA, names another host', async () => {
    // The server reloads its certificate (FLUSH SSL, MariaDB 10.4+): now one for db.example.internal, same CA.
    fs.copyFileSync(file('server.pem'), file('server-localhost.pem'));
    fs.copyFileSync(file('other.pem'), file('server.pem'));
    fs.copyFileSync(file('server.key'), file('server-localhost.key'));
    fs.copyFileSync(file('other.key'), file('server.key'));
    await root.query('FLUSH SSL');
    try {
      const run = await runHandler({}, [pem('test-ca.pem')]);
      expect(run.responses).toEqual([{ status: 'FAILED', reason: expect.stringMatching(/Hostname\/IP does not match certificate's altnames: Host: localhost\. is not in the cert's altnames: DNS:db\.example\.internal/) }]);
      console.log(`wrong name: ${run.responses[0].reason}`);
      expect(await userExists()).toBe(false);
    } finally {
      fs.copyFileSync(file('server-localhost.pem'), file('server.pem'));
      fs.copyFileSync(file('server-localhost.key'), file('server.key'));
      await root.query('FLUSH SSL');
    }
  });

  test('refuses an IP address as the host (mysql2 would not check the certificate\'s names against it)', async () => {
    const run = await runHandler({ Hostname: '127.0.0.1' }, [pem('test-ca.pem')]);
    expect(run.responses).toEqual([{ status: 'FAILED', reason: 'the server must be reached by a host name its certificate names, got the IP address 127.0.0.1' }]);
    expect(await userExists()).toBe(false);
  });

  test('with the right CA: binlog retention set, the Debezium user created with SSL required and exactly the Debezium grants', async () => {
    const run = await runHandler({}, [pem('test-ca.pem')]);
    expect(run.responses).toEqual([{ status: 'SUCCESS', reason: undefined }]);
    expect(run.connects).toEqual([{ host: 'localhost', ca: [pem('test-ca.pem')] }]);
    expect(run.sent).toHaveLength(4);
    expect((await root.query('SELECT name, value FROM mysql.rds_configuration_calls ORDER BY seq'))[0]).toEqual([{ name: 'binlog retention hours', value: '72' }]);
    const [users] = await root.query("SELECT ssl_type FROM mysql.user WHERE User = 'debezium' AND Host = '%'");
    expect(users).toEqual([{ ssl_type: 'ANY' }]);
    expect(await grants()).toEqual([
      'GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `debezium`@`%` REQUIRE SSL',
    ]);
    console.log(`grants after Create: ${JSON.stringify(await grants())}`);
  });

  test('the Debezium user logs in with its password over verified TLS, and not without TLS', async () => {
    const session = await openSession({ host: 'localhost', port, user: CDC.username, password: CDC.password, ca: [pem('test-ca.pem')] });
    await session.end();
    await expect(createConnection({ host: '127.0.0.1', port, user: CDC.username, password: CDC.password })).rejects.toThrow(/secure transport|Access denied/);
  });

  test('captured databases: an update moves SELECT and LOCK TABLES from *.* to those databases; a repeat changes nothing', async () => {
    const first = await runHandler({ CapturedDatabases: 'shop,billing' }, [pem('test-ca.pem')]);
    expect(first.responses[0]).toEqual({ status: 'SUCCESS', reason: undefined });
    expect(first.sent).toContain("REVOKE SELECT, LOCK TABLES ON *.* FROM 'debezium'@'%'");
    const expected = [
      'GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `debezium`@`%` REQUIRE SSL',
      'GRANT SELECT, LOCK TABLES ON `billing`.* TO `debezium`@`%`',
      'GRANT SELECT, LOCK TABLES ON `shop`.* TO `debezium`@`%`',
    ];
    expect(await grants()).toEqual(expected);
    const again = await runHandler({ CapturedDatabases: 'shop,billing', BinlogRetentionHours: '168' }, [pem('test-ca.pem')]);
    expect(again.responses[0].status).toBe('SUCCESS');
    expect(await grants()).toEqual(expected);
    expect((await root.query('SELECT value FROM mysql.rds_configuration_calls ORDER BY seq'))[0]).toEqual([{ value: '72' }, { value: '72' }, { value: '168' }]);
    console.log(`grants after Update: ${JSON.stringify(await grants())}`);
  });

  test('a failing statement fails the deployment with neither password in the reason or the log', async () => {
    await root.query('DROP PROCEDURE mysql.rds_set_configuration');
    try {
      const run = await runHandler({}, [pem('test-ca.pem')]);
      expect(run.responses).toEqual([{ status: 'FAILED', reason: expect.stringContaining('rds_set_configuration does not exist') }]);
      for (const secret of [ADMIN.password, CDC.password, 'Adm1n', 'Debezium-42']) {
        expect(run.responses[0].reason).not.toContain(secret);
        expect(run.logged).not.toContain(secret);
      }
    } finally {
      await root.query('CREATE PROCEDURE mysql.rds_set_configuration(IN name VARCHAR(64), IN value VARCHAR(64)) INSERT INTO mysql.rds_configuration_calls (name, value) VALUES (name, value)');
    }
  });
});
