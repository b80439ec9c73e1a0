'use strict';
// Deploy-time custom resource handler of AuroraMySqlCdcSource: through the RDS Data API (no network path into the
// VPC needed), sets the binlog retention and creates or updates the Debezium user with exactly the grants Debezium
// needs. The user's password is read from Secrets Manager here, at deploy time; it never appears in the template.

const { respond } = require('./cfn-response');

/** The grants the Debezium MySQL connector needs (snapshot + binlog reading). */
const GRANTS = 'SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES';

/** Quotes a MySQL string literal. */
function quote(value) {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error('expected a non-empty string');
  }
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The statements that bring the cluster to the wanted state; idempotent, so Create and Update run the same ones. */
function statements(props, user) {
  const hours = Number(props.BinlogRetentionHours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 2160) {
    throw new Error(`BinlogRetentionHours must be a whole number from 1 to 2160, got ${props.BinlogRetentionHours}`);
  }
  if (!/^[a-zA-Z0-9_]{1,32}$/.test(user.username)) {
    throw new Error('the CDC user name must be 1-32 letters, digits or underscores');
  }
  const account = `${quote(user.username)}@'%'`;
  return [
    `CALL mysql.rds_set_configuration('binlog retention hours', ${hours})`,
    `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${quote(user.password)} REQUIRE SSL`,
    `ALTER USER ${account} IDENTIFIED BY ${quote(user.password)} REQUIRE SSL`,
    `GRANT ${GRANTS} ON *.* TO ${account}`,
  ];
}

function defaultClients() {
  // The AWS SDK v3 ships with the Lambda Node.js runtime.
  const { RDSDataClient, ExecuteStatementCommand } = require('@aws-sdk/client-rds-data');
  const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
  const rds = new RDSDataClient({});
  const sm = new SecretsManagerClient({});
  return {
    readSecret: async (arn) => JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString),
    execute: (resourceArn, secretArn, sql) => rds.send(new ExecuteStatementCommand({ resourceArn, secretArn, sql })),
  };
}

/**
 * CloudFormation entry point. Properties: ClusterArn, AdminSecretArn, CdcSecretArn, BinlogRetentionHours.
 * Delete leaves the user and retention in place: the cluster is retained, and the connector may still read it.
 */
async function handler(event, _context, deps) {
  const { send, clients } = deps ?? { send: respond, clients: defaultClients() };
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
    const message = String(e instanceof Error ? e.message : e).replace(/IDENTIFIED BY '(?:[^']|'')*'/g, "IDENTIFIED BY '***'");
    console.error(message);
    await send(event, 'FAILED', physicalId, {}, message.slice(0, 3000));
  }
}

module.exports = { handler, statements, quote, GRANTS };
