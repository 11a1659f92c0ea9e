/** The datasets module's public API: benchmark loaders, data location and download. */
export { benchmarks, loadBenchmark, builtinBenchmarkLoaders } from "./registry.js";
export { type BenchmarkLoader, type LoadBenchmarkOptions, selectTasks } from "./benchmark.js";
export { loadHumanEval } from "./humaneval.js";
export { loadHumanEvalPlus } from "./humaneval-plus.js";
export { loadMbpp, loadMbppSanitized, mbppSplits, type MbppSplit } from "./mbpp.js";
export { loadMbppPlus } from "./mbpp-plus.js";
export { deserializeMbppPlusInputs } from "./mbpp-plus-inputs.js";
export { loadCruxEval } from "./cruxeval.js";
export { loadRepairSet } from "./repair.js";
export { parseStatedFailingInput, type RepairBenchmark } from "./repair-rows.js";
export {
  loadCandidatePool,
  listCandidateModels,
  poolTaskIdToPlus,
  type CandidatePool,
  type LoadCandidatePoolOptions,
  type PoolBenchmark,
} from "./candidates.js";
export { loadSamples, parseSamples, type LoadedSamples, type SampleRecord, type SampleLineError } from "./samples.js";
export { loadLiveCodeBench } from "./livecodebench.js";
export { loadLiveCodeBenchExecution } from "./livecodebench-execution.js";
export { loadApps } from "./apps.js";
export { loadGeneric, genericProblemSchema, genericProblemJsonSchema, type GenericProblem } from "./generic.js";
export { parseDocstringExamples, type DocstringExample } from "./docstring-examples.js";
export {
  dataEnvironmentVariable,
  dataRoots,
  defaultCacheDir,
  findDataFile,
  requireDataFile,
  resolveCacheDir,
  type DataLocationOptions,
  type DataRoot,
  type FoundDataFile,
} from "./data-location.js";
export { DataFetchError, downloadVerified, fetchDataset, fetchableDatasetNames, type FetchDatasetOptions, type FetchedFile } from "./data-fetch.js";
export { datasetManifest, type DataFileSpec, type DatasetSpec } from "./dataset-manifest.js";
export { listDatasetStatus, type DatasetStatus, type DataFileStatus } from "./data-status.js";
export { renderPython, renderArguments, pythonFloatRepr, pythonStringRepr, type PyValue } from "../core/python-value.js";
export { parsePythonLiteral } from "./python-literal.js";
export { parseLosslessJson, jsonToPython, JsonNumber, JsonObject, type LosslessJson } from "./lossless-json.js";
