#!/usr/bin/env node
import { App, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import { MskCluster, PrivateSubnetWithNat } from '../lib';

const app = new App();
const stack = new Stack(app, 'MskClickHousePipeline', {
  description: 'Example: MSK -> MSK Connect -> ClickHouse pipeline (msk-clickhouse-pipeline)',
});
const network = new PrivateSubnetWithNat(stack, 'Network');
const cluster = new MskCluster(stack, 'Cluster', { vpc: network.vpc, vpcSubnets: network.privateSubnetSelection });
cluster.addTopic('EventsTopic', { topicName: 'events', partitions: 6 });

new CfnOutput(stack, 'NatGatewayPublicIps', {
  description: 'Add these addresses to the ClickHouse Cloud IP access list',
  value: Fn.join(',', network.natGatewayPublicIps),
});
new CfnOutput(stack, 'BootstrapBrokersSaslIam', {
  description: 'Bootstrap brokers for IAM-authenticated clients',
  value: cluster.bootstrapBrokersSaslIam,
});
app.synth();
