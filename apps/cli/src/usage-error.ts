// One class for every seedsweep command, the benchmarks' (@seedsweep/bench) among them: a
// mistake in the command line is one line and exit code 2 (error-report.ts).
export { UsageError } from '@seedsweep/command-line';
