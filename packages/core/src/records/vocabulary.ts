/**
 * Image-generation baselines known upstream (`KNOWN_IMAGE_GENERATION_BASELINE`). A record with
 * another baseline is still served, with a warning issue.
 */
export const KNOWN_IMAGE_BASELINES = Object.freeze([
  'infer',
  'stable_diffusion_1',
  'stable_diffusion_2_768',
  'stable_diffusion_2_512',
  'stable_diffusion_xl',
  'stable_cascade',
  'flux_1',
  'flux_schnell',
  'flux_dev',
  'qwen_image',
  'z_image_turbo',
] as const)

/** A known image-generation baseline. */
export type KnownImageBaseline = (typeof KNOWN_IMAGE_BASELINES)[number]

/** Alternative baseline spellings that upstream also accepts as valid (matched exactly). */
export const IMAGE_BASELINE_ALTERNATIVE_NAMES: Readonly<Record<string, KnownImageBaseline>> = Object.freeze({
  'stable diffusion 1': 'stable_diffusion_1',
  'stable diffusion 1.4': 'stable_diffusion_1',
  'stable diffusion 1.5': 'stable_diffusion_1',
  SD1: 'stable_diffusion_1',
  SD14: 'stable_diffusion_1',
  'SD1.4': 'stable_diffusion_1',
  SD15: 'stable_diffusion_1',
  'SD1.5': 'stable_diffusion_1',
  stable_diffusion: 'stable_diffusion_1',
  'stable_diffusion_1.4': 'stable_diffusion_1',
  'stable_diffusion_1.5': 'stable_diffusion_1',
  'stable diffusion xl': 'stable_diffusion_xl',
  SDXL: 'stable_diffusion_xl',
  'stable cascade': 'stable_cascade',
  'flux schnell': 'flux_schnell',
  'flux dev': 'flux_dev',
  'qwen image': 'qwen_image',
  'qwen-image': 'qwen_image',
  qwen: 'qwen_image',
  'z image turbo': 'z_image_turbo',
  'zimage-turbo': 'z_image_turbo',
  zimage: 'z_image_turbo',
})

/** Model styles known upstream (`MODEL_STYLE`). */
export const KNOWN_MODEL_STYLES = Object.freeze(['generalist', 'anime', 'furry', 'artistic', 'other', 'realistic'] as const)

/** A known model style. */
export type ModelStyle = (typeof KNOWN_MODEL_STYLES)[number]

/** ControlNet styles known upstream (`CONTROLNET_STYLE`). */
export const KNOWN_CONTROLNET_STYLES = Object.freeze([
  'control_seg',
  'control_scribble',
  'control_fakescribbles',
  'control_openpose',
  'control_normal',
  'control_mlsd',
  'control_hough',
  'control_hed',
  'control_canny',
  'control_depth',
  'control_qr',
  'control_qr_xl',
  'control_lineart',
  'control_lineart_anime',
  'control_normal_bae',
  'control_recolor',
  'control_tile',
] as const)

/** A known ControlNet style. */
export type ControlNetStyle = (typeof KNOWN_CONTROLNET_STYLES)[number]

const baselineSet: ReadonlySet<string> = new Set<string>([
  ...KNOWN_IMAGE_BASELINES,
  ...Object.keys(IMAGE_BASELINE_ALTERNATIVE_NAMES),
])
const styleSet: ReadonlySet<string> = new Set<string>(KNOWN_MODEL_STYLES)
const controlnetStyleSet: ReadonlySet<string> = new Set<string>(KNOWN_CONTROLNET_STYLES)

/** `true` for a known baseline or one of its alternative names (exact, case-sensitive match). */
export function isKnownImageBaseline(value: string): boolean {
  return baselineSet.has(value)
}

/** `true` for a known model style. */
export function isKnownModelStyle(value: string): boolean {
  return styleSet.has(value)
}

/** `true` for a known ControlNet style. */
export function isKnownControlNetStyle(value: string): boolean {
  return controlnetStyleSet.has(value)
}
