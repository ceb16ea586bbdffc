/**
 * Pure helpers that answer compatibility and display questions about records (which baselines a
 * ControlNet or a LoRA fits, a model's requirements applied to generation parameters, labels).
 * They read records defensively: only own data properties count, a value of the wrong type reads
 * as absent, and a malformed record never makes them throw (a non-object argument is a TypeError).
 *
 * @module @horde-model-reference/core/compat
 */

export { BASE_MODEL_SPELLINGS, baseModelToBaseline, fitsBaseline, nativeResolution, type BaseModelSpelling } from './baselines.js'
export { controlNetBaselines, controlNetEvidence, controlNetWorksWith, type ControlNetBaselines, type ControlNetEvidenceItem } from './controlnet.js'
export { applyRequirements, KNOWN_REQUIREMENTS, type AppliedRequirements, type ImageGenerationParams, type RequirementChange } from './requirements.js'
export { displayName, hasShowcase, hasTrigger } from './display.js'
