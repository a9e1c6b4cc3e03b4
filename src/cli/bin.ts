#!/usr/bin/env node
import { main, printError } from './main.ts';

// An error thrown after start-up from a timer or an event handler must end like any other: one line, its code.
const failLate = (error: unknown) => {
  process.exitCode = printError(error);
  process.exit();
};
process.on('uncaughtException', failLate);
process.on('unhandledRejection', failLate);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = printError(error);
  },
);
