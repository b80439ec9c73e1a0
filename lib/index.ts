export * from './private-subnet-with-nat';
export * from './kafka-version';
export * from './msk-cluster';
export * from './msk-topic';
