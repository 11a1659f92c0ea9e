export { emptyClipReport, type ClipReport } from "./clip.js";
export { fit, type FitResult, type FitStepName } from "./fit.js";
export {
  DEFAULT_RENDER_OPTIONS,
  renderOptionsSchema,
  resolveRenderOptions,
  type RenderOptions,
  type ResolvedRenderOptions,
} from "./options.js";
export { getRepresentation, isRepresentationName, listRepresentations, render, representations } from "./registry.js";
export {
  REPRESENTATION_NAMES,
  type RenderInput,
  type Rendering,
  type RenderTest,
  type Representation,
  type RepresentationName,
} from "./representation.js";
export { isFailing } from "./test-facts.js";
export { formatValue, shortenRepr } from "./values.js";
export {
  GPT_ENCODINGS,
  createHuggingFaceTokenizer,
  loadGptTokenizer,
  loadHuggingFaceTokenizer,
  loadTokenizer,
  type GptEncodingName,
  type Tokenizer,
} from "./tokenizers/index.js";
