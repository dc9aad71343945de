#!/usr/bin/env node
// The `wasmu-bench` command (and `pnpm bench`). `wasmu bench ARGS` execs this file.
import { runBench } from "./cli.js";

process.exitCode = await runBench(process.argv.slice(2));
