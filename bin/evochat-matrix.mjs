#!/usr/bin/env node
// The package bin. It runs the TypeScript CLI in this same process, with tsx's loader registered here, rather
// than in a child: with no child there is no signal to forward and nothing to orphan. SIGINT, SIGTERM and
// SIGHUP reach the CLI's own handlers (src/cli/signals.ts), and the exit code is the CLI's.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
