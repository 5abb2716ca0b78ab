#!/usr/bin/env node
import { run } from './program';

run(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dynamodel: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
