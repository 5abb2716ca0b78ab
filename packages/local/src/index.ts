export { startLocalDynamo } from './start-local-dynamo';
export {
  localCredentials,
  LOCAL_REGION,
  type LocalClientConfig,
  type LocalCredentials,
  type LocalDynamo,
  type StartLocalDynamoOptions,
} from './local-dynamo';
export { LocalDynamoError, type LocalDynamoErrorCode } from './errors';
export { findJava } from './java';
export { ENDPOINT_VARIABLE } from './jest/endpoint';
