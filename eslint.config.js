// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The dependency direction of docs/architecture.md ("Dependency direction"), as import bans per folder.
const coreBans = ['@vc/hub', '@vc/hub/*', '@vc/connector-sdk', '@vc/connector-sdk/*'];
const connectorBans = ['@vc/hub', '@vc/hub/*', '@vc/conference-core', '@vc/conference-core/*'];
const relativeEscape = (folder) => ({
  group: ['../**/' + folder + '/**', '../' + folder + '/**'],
  message: `Import the package, not another folder's files (docs/architecture.md, "Dependency direction").`,
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.tsbuild/**',
      'data/**',
      'reports/**',
      '**/dist/**',
      '**/dist.building-*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // process.env is read only by config modules: one parse at start, passed down frozen.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings in a config module only.' },
      ],
    },
  },
  {
    files: ['conference-core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: coreBans, message: 'conference-core imports its own code only.' },
            relativeEscape('hub'),
            relativeEscape('connectors'),
          ],
        },
      ],
    },
  },
  {
    files: ['connectors/**'],
    ignores: ['connectors/sdk/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: connectorBans, message: 'A connector imports connectors/sdk only.' },
            relativeEscape('hub'),
            relativeEscape('conference-core'),
          ],
        },
      ],
    },
  },
  {
    // The system tests import packages (`@vc/hub/testing`, ...), never another folder's files.
    files: ['tests/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['hub', 'conference-core', 'connectors', 'outlook-addin', 'web'].map(relativeEscape),
        },
      ],
    },
  },
  {
    files: ['connectors/sdk/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...connectorBans, '@vc/connector-*'],
              message: 'connectors/sdk imports nothing of ours.',
            },
          ],
        },
      ],
    },
  },
  {
    // Config modules, the test-service scripts and the test environment read the environment.
    files: ['**/config.ts', '**/test-env.ts', 'tests/scripts/**', 'tests/bench/**', 'tests/src/support/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Scripts talk to the person running them.
    files: ['tests/scripts/**', 'tests/bench/**', 'hub/src/migrate-cli.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', 'hub/run.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The launcher runs before anything is compiled, as plain Node.js (docs/decisions/0022).
    files: ['hub/run.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
    rules: { 'no-restricted-properties': 'off' },
  },
);
