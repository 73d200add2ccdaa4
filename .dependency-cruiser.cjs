/**
 * The import rules of sanad, checked by `npm run lint` (dependency-cruiser). What each protects:
 * the core stays platform-neutral (no chat SDK, model SDK, driver or file reader; nothing
 * outside it), no module imports itself back through others, and an adapter sees another
 * folder only through that folder's index.ts (its public surface). See ARCHITECTURE.md.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and the layers unreadable: move the shared part down.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-no-sdk',
      severity: 'error',
      comment:
        'The core is platform-neutral: chat and model SDKs, database drivers and file-reader libraries live ' +
        'in their implementations outside src/core (adapters, src/llm-openai, src/state, src/readers).',
      from: { path: '^src/core/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        path: [
          '(^|/)node_modules/(@slack/|discord\\.js/|@discordjs/|openai/|@langchain/openai/)',
          '(^|/)node_modules/(better-sqlite3|pg)/',
          '(^|/)node_modules/(unpdf|linkedom|mammoth|jszip|@mozilla/readability)/',
        ],
      },
    },
    {
      name: 'core-depends-on-nothing-outside',
      severity: 'error',
      comment: 'Adapters, the app, the CLI, readers, state and the rest depend on the core, never the reverse.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'adapters-through-public-surface',
      severity: 'error',
      comment:
        'An adapter imports another folder only through its index.ts (src/core/index.ts, src/briefing/index.ts, …): ' +
        'export what it needs there.',
      from: { path: '^src/adapters/([^/]+)/' },
      to: {
        path: '^src/',
        pathNot: ['^src/adapters/$1/', '^src/[^/]+/index\\.ts$', '^src/adapters/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing fails at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    // Dynamic import() is an edge like any other: a lazily loaded module still makes a cycle.
    exclude: { path: '^src/adapters/web/public/' },
  },
};
