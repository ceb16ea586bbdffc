// `pnpm size` (part of `pnpm test`): brotli sizes of what users load, minified by esbuild, with
// their dependencies (ky, valibot, idb-keyval) bundled in (unstorage and its drivers are the user's own). Each limit is a ceiling just above
// today's figure, so that any growth fails the test. The project's targets (15 KB, 15.5 KB,
// 24.5 KB, 24.5 KB for the first four) and why they are not met yet are in README.md.

// What a first read loads up front: a dynamic `import()` (the GitHub converters, loaded only when
// the GitHub path runs) stays out of the bundle, as a browser would fetch it only then.
const upFront = {
  name: 'lazy chunks stay out',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined))
  },
}
const withoutLazyChunks = (config) => ({ ...config, plugins: [...(config.plugins ?? []), upFront] })

export default [
  {
    name: 'first query: createModelReferenceClient().getModelReference()',
    path: 'packages/core/dist/index.js',
    import: '{ createModelReferenceClient }',
    modifyEsbuildConfig: withoutLazyChunks,
    limit: '25.05 KB',
  },
  {
    name: 'first query: new ModelReferenceManager().getModelReference()',
    path: 'packages/core/dist/index.js',
    import: '{ ModelReferenceManager }',
    modifyEsbuildConfig: withoutLazyChunks,
    limit: '25.55 KB',
  },
  {
    name: 'whole core: every entry point, the GitHub converters included',
    path: 'scripts/size/whole-core.js',
    import: '*',
    limit: '47.15 KB',
  },
  {
    name: 'script-tag IIFE (core, IndexedDB, ky, valibot, idb-keyval)',
    path: 'packages/browser/dist/horde-model-reference.iife.js',
    limit: '47.38 KB',
  },
  {
    name: 'IndexedDB adapter, with idb-keyval',
    path: 'packages/storage-indexeddb/dist/index.js',
    import: '*',
    ignore: ['@horde-model-reference/core'],
    limit: '0.6 KB',
  },
  {
    name: 'Cloudflare KV adapter',
    path: 'packages/storage-cloudflare-kv/dist/index.js',
    import: '*',
    ignore: ['@horde-model-reference/core'],
    limit: '0.5 KB',
  },
  {
    name: 'unstorage adapter, without core and unstorage',
    path: 'packages/storage-unstorage/dist/index.js',
    import: '*',
    ignore: ['@horde-model-reference/core', 'unstorage'],
    limit: '1.45 KB',
  },
  {
    name: 'observer: createCategoryObserver (core/observer), alone',
    path: 'packages/core/dist/observer.js',
    import: '{ createCategoryObserver }',
    limit: '2.05 KB',
  },
  {
    name: 'React hooks, without React and core',
    path: 'examples/react/dist/hooks.js',
    import: '*',
    ignore: ['react', '@horde-model-reference/core'],
    limit: '1.49 KB',
  },
]
