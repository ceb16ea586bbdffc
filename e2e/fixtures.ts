import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The upstream data files used as test inputs. They are AGPL data from other repositories, so
 * they are read at run time from `../shared/fixtures` beside the checkout, never copied here.
 * `HORDE_FIXTURES_DIR` overrides the location.
 */
export const FIXTURES_DIR = process.env.HORDE_FIXTURES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures')

if (!existsSync(join(FIXTURES_DIR, 'SOURCE.md'))) {
  throw new Error(`Fixtures not found at ${FIXTURES_DIR}: the repository expects ../shared/fixtures beside it (or set HORDE_FIXTURES_DIR).`)
}

const cache = new Map<string, Buffer>()

/** The bytes of a fixture file, by path relative to the fixtures folder. */
export function fixtureBytes(path: string): Buffer {
  let bytes = cache.get(path)
  if (bytes === undefined) {
    bytes = readFileSync(join(FIXTURES_DIR, path))
    cache.set(path, bytes)
  }
  return bytes
}

/** A fixture file as text. */
export function fixtureText(path: string): string {
  return fixtureBytes(path).toString('utf8')
}

/** A fixture file parsed as JSON. */
export function fixtureJson(path: string): unknown {
  return JSON.parse(fixtureText(path))
}

/** The derived-v2 file of each category that has one (what the PRIMARY would serve). */
export const DERIVED_V2_FILES: Readonly<Record<string, string>> = {
  image_generation: 'derived-v2/stable_diffusion.json',
  text_generation: 'derived-v2/text_generation.json',
  blip: 'derived-v2/blip.json',
  clip: 'derived-v2/clip.json',
  codeformer: 'derived-v2/codeformer.json',
  controlnet: 'derived-v2/controlnet.json',
  esrgan: 'derived-v2/esrgan.json',
  gfpgan: 'derived-v2/gfpgan.json',
  safety_checker: 'derived-v2/safety_checker.json',
  miscellaneous: 'derived-v2/miscellaneous.json',
}

/** The legacy GitHub file of each category that has one. */
export const LEGACY_FILES: Readonly<Record<string, string>> = {
  image_generation: 'legacy/stable_diffusion.json',
  text_generation: 'legacy/text/models.csv',
  blip: 'legacy/blip.json',
  clip: 'legacy/clip.json',
  codeformer: 'legacy/codeformer.json',
  controlnet: 'legacy/controlnet.json',
  esrgan: 'legacy/esrgan.json',
  gfpgan: 'legacy/gfpgan.json',
  safety_checker: 'legacy/safety_checker.json',
  miscellaneous: 'legacy/miscellaneous.json',
}
