/**
 * The fields upstream's legacy record models declare (`legacy_models.py`, as described in
 * upstream-behaviour §2.6), top level and inside `config`. The core reads legacy records loosely
 * and has no list of them, so `validate` keeps its own for the unknown-field check.
 */
export const LEGACY_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'type',
  'description',
  'version',
  'style',
  'nsfw',
  'download_all',
  'available',
  'features_not_supported',
  'baseline',
  'inpainting',
  'tags',
  'showcases',
  'min_bridge_version',
  'trigger',
  'homepage',
  'size_on_disk_bytes',
  'optimization',
  'requirements',
  'pretrained_name',
  'config',
  'config.files',
  'config.download',
  'config.embedded_component_hashes',
])
