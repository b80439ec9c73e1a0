// Deploy-time custom resource handler of AuroraMySqlCdcSource: through the RDS Data API (no network path into the
// VPC needed), sets the binlog retention and creates or updates the Debezium user with exactly the grants Debezium
// needs. The user's password is read from Secrets Manager here, at deploy time; it never appears in the template.
// Bundled by scripts/bundle-handlers.js into assets/handlers/cdc-setup/index.js; the AWS SDK v3 comes from the Lambda
// runtime.
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CustomResourceEvent, messageOf, respond, SendResponse } from '../cfn-response';

/** The grants the Debezium MySQL connector needs (snapshot + binlog reading). */
export const GRANTS = 'SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES';
/** Of those, the ones MySQL only has at the global level (Debezium MySQL connector docs, "Creating a user"). */
export const GLOBAL_GRANTS = 'RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT';
/** Of those, the ones that can be limited to the captured databases. */
export const DATABASE_GRANTS = 'SELECT, LOCK TABLES';

/** The CDC user's secret. */
export interface CdcUser {
  readonly username: string;
  readonly password: string;
}

/** What the handler does to AWS, injectable for tests. */
export interface CdcSetupClients {
  readSecret(arn: string): Promise<CdcUser>;
  execute(resourceArn: string, secretArn: string, sql: string): Promise<unknown>;
}

export interface CdcSetupDeps {
  readonly send: SendResponse;
  readonly clients: CdcSetupClients;
}

/** Quotes a MySQL string literal. */
export function quote(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error('expected a non-empty string');
  }
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The statements that bring the cluster to the wanted state; idempotent, so Create and Update run the same ones. */
export function statements(props: Record<string, any>, user: CdcUser): string[] {
  const hours = Number(props.BinlogRetentionHours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 2160) {
    throw new Error(`BinlogRetentionHours must be a whole number from 1 to 2160, got ${props.BinlogRetentionHours}`);
  }
  if (!/^[a-zA-Z0-9_]{1,32}$/.test(user.username)) {
    throw new Error('the CDC user name must be 1-32 letters, digits or underscores');
  }
  const account = `${quote(user.username)}@'%'`;
  const databases = String(props.CapturedDatabases ?? '').split(',').map((d) => d.trim()).filter((d) => d.length > 0);
  for (const db of databases) {
    if (!/^[A-Za-z0-9_$]{1,64}$/.test(db)) {
      throw new Error(`CapturedDatabases must be MySQL database names (1-64 letters, digits, '_' or '$'), got '${db}'`);
    }
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

/** The SDK clients, made on first use (one per execution environment). */
function sdkClients(): CdcSetupClients {
  let clients: { rds: RDSDataClient; sm: SecretsManagerClient } | undefined;
  const get = () => (clients ??= { rds: new RDSDataClient({}), sm: new SecretsManagerClient({}) });
  return {
    readSecret: async (arn) => JSON.parse((await get().sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '{}'),
    execute: (resourceArn, secretArn, sql) => get().rds.send(new ExecuteStatementCommand({ resourceArn, secretArn, sql })),
  };
}

/**
 * The CloudFormation entry point, with its dependencies. Properties: ClusterArn, AdminSecretArn, CdcSecretArn,
 * BinlogRetentionHours. Delete leaves the user and retention in place: the cluster is retained, and the connector may
 * still read it.
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
    try {
      if (event.RequestType !== 'Delete') {
        const user = await clients.readSecret(props.CdcSecretArn);
        for (const sql of statements(props, user)) {
          await clients.execute(props.ClusterArn, props.AdminSecretArn, sql);
        }
      }
      await send(event, 'SUCCESS', physicalId, { Grants: GRANTS });
    } catch (e) {
      // Never log the statements: they carry the password.
      const message = messageOf(e).replace(/IDENTIFIED BY '(?:[^']|'')*'/g, "IDENTIFIED BY '***'");
      console.error(message);
      await send(event, 'FAILED', physicalId, {}, message.slice(0, 3000));
    }
  };
}

export const handler = makeHandler();
