#!/usr/bin/env node
import { App, CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import { PrivateSubnetWithNat } from '../lib';

const app = new App();
const stack = new Stack(app, 'MskClickHousePipeline', {
  description: 'Example: private network for an MSK -> MSK Connect -> ClickHouse pipeline',
});
const network = new PrivateSubnetWithNat(stack, 'Network');
new CfnOutput(stack, 'NatGatewayPublicIps', {
  description: 'Add these addresses to the ClickHouse Cloud IP access list',
  value: Fn.join(',', network.natGatewayPublicIps),
});
app.synth();
