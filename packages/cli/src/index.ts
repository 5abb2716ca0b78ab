export { createProgram, run, type Output } from './program';
export { describeServers, startLocalServers, type LocalCommandOptions, type LocalServers } from './commands/local';
