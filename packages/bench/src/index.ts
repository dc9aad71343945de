// @wasmu/bench: one harness for every wasmu benchmark. Public entry point.
export { runBench, USAGE, type BenchIO } from "./cli.js";
export { ENTRIES } from "./entries/index.js";
export type {
  BenchContext,
  BenchEntry,
  CommandTarget,
  Comparator,
  CompareWorkload,
  CurveWorkload,
  Figure,
  FunctionTarget,
  Requirement,
  SingleWorkload,
  Target,
  Workload,
} from "./entry.js";
export { findRepoRoot, makeContext } from "./context.js";
export { alternationSchedule, geometricMean, median, pairwiseRatios, summarize, summarizeRatios, type ScheduleStep, type Summary } from "./stats.js";
export { measureCommand, type CommandSample, type CommandSpec } from "./measure/command.js";
export { measureFunction, type FunctionSample, type MicroFunction } from "./measure/function.js";
export { DEFAULT_RUNS, DEFAULT_WARMUP, runEntry, runWorkload, summarizeComparisons, RunFailure, type Progress, type RunOptions } from "./runner.js";
export { checkRequirement, findOnPath } from "./requirements.js";
export { describeMachine, findComparators } from "./machine.js";
export { BASE_GUEST_PACKAGES, fetchGuests, fetchScriptPath, guestPackagesOf, type FetchOptions } from "./guests/fetch.js";
export { readGuestPackages, type GuestPackage } from "./guests/manifest.js";
export { asciiPlot, type AsciiPlotOptions, type PlotSeries } from "./report/ascii-plot.js";
export { barChart, lineChart, ratioBarChart, xmlEscape, type Bar, type BarChartOptions, type LineSeries, type RatioBar } from "./report/svg.js";
export { renderMarkdown, writeReport } from "./report/markdown.js";
export { renderResultsTable } from "./report/table.js";
export type * from "./results.js";
