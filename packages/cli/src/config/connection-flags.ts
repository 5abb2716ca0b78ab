import { fromIni } from '@aws-sdk/credential-provider-ini';
import { createConnection, isLocalEndpoint, type ConnectOptions, type Connection } from '@dynamodel/core';
import { LOCAL_REGION, localCredentials } from '@dynamodel/local';

/** The flags every command that reaches DynamoDB takes; each overrides the config file's connection. */
export interface ConnectionFlags {
  /** A URL, or `local` for DynamoDB Local (the one `dynamodel local` runs, when DYNAMODEL_LOCAL_ENDPOINT names it). */
  readonly endpoint?: string;
  readonly region?: string;
  /** A profile of ~/.aws/config and ~/.aws/credentials: its credentials, and its region unless one is given. */
  readonly profile?: string;
}

/** The config's connect options with the flags applied. */
export function connectOptions(configured: ConnectOptions, flags: ConnectionFlags): ConnectOptions {
  const options: { -readonly [K in keyof ConnectOptions]: ConnectOptions[K] } = { ...configured };
  if (flags.endpoint !== undefined) {
    options.endpoint = flags.endpoint;
    if (flags.endpoint !== 'local') {
      // port and dbPath belong to a DynamoDB Local the config would start; another endpoint replaces it.
      delete options.port;
      delete options.dbPath;
    }
  }
  if (flags.region !== undefined) options.region = flags.region;
  if (options.endpoint !== 'local' && isLocalEndpoint(options.endpoint)) {
    // DynamoDB Local at a URL (`dynamodel local`'s) needs no AWS setup: the region and keys it is
    // reached with by every Dynamodel tool, unless the config or --region/--profile give others.
    options.region ??= LOCAL_REGION;
    if (flags.profile === undefined) options.credentials ??= localCredentials();
  }
  if (flags.profile !== undefined) {
    options.credentials = fromIni({ profile: flags.profile });
    // The SDK's region chain reads the profile named here (as the AWS CLI's --profile does).
    if (options.region === undefined) process.env.AWS_PROFILE = flags.profile;
  }
  return options;
}

/** The connection a command works through. */
export function openConnection(configured: ConnectOptions, flags: ConnectionFlags): Connection {
  // A command creates only what it is asked to (`tables apply`), never a table on first use.
  return createConnection({ ...connectOptions(configured, flags), autoCreateTables: false });
}
