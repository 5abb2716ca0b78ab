/** Credentials DynamoDB Local accepts (it checks nothing but the access key's characters). */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Everything a `DynamoDBClient` needs to talk to a local instance: `new DynamoDBClient(db.clientConfig)`. */
export interface LocalClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: LocalCredentials;
}

/** A running DynamoDB Local. */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly credentials: LocalCredentials;
  readonly clientConfig: LocalClientConfig;
  /** Process id of the Java process. */
  readonly pid: number;
  /** Where the data lives: a folder, or `null` when in memory. */
  readonly dbPath: string | null;
  /** Stops the Java process (SIGTERM, then SIGKILL after a grace period). Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartLocalDynamoOptions {
  /** Port on 127.0.0.1. Default: a free port chosen by the OS. */
  readonly port?: number;
  /** Keep the data on disk in this existing folder. Default: in memory. */
  readonly dbPath?: string;
  /**
   * One database for every access key and region (`-sharedDb`). Default `true`: without it
   * DynamoDB Local keeps a separate database per credential and region, which surprises people.
   */
  readonly sharedDb?: boolean;
  /** How long to wait for the first successful ListTables. Default 60 s. */
  readonly startTimeoutMs?: number;
  /** Extra JVM options, e.g. `['-Xmx512m']`. */
  readonly javaOptions?: readonly string[];
  /** Receives every line DynamoDB Local prints. */
  readonly onOutput?: (line: string) => void;
}

export const LOCAL_REGION = 'us-east-1';
/**
 * Credentials for DynamoDB Local. A fresh object each call: the SDK writes bookkeeping fields onto
 * the credentials it is given, so a shared frozen object would break it.
 */
export function localCredentials(): LocalCredentials {
  return { accessKeyId: 'dynamodel', secretAccessKey: 'local' };
}
