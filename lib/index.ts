export * from './private-subnet-with-nat';
