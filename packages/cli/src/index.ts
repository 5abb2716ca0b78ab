export { createProgram, run, type Output } from './program';
export { describeServers, startLocalServers, type LocalCommandOptions, type LocalServers } from './commands/local';
export { defineConfig, type DynamodelConfig } from './config/define-config';
export { CONFIG_NAMES, findConfigFile, loadConfig, type LoadedConfig } from './config/load-config';
export { connectOptions, type ConnectionFlags } from './config/connection-flags';
export { CliError, EXIT } from './errors';
