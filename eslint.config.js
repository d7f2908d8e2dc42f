import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const cluster = ['@kubernetes/client-node'];
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // The core is pure: no I/O, no process, no cluster client, no CLI.
      'no-restricted-imports': ['error', {
        paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'process', 'node:process', ...cluster, 'commander'],
        patterns: ['**/cli/**', '**/io/**', '**/cluster/**', '**/nix/instantiate*'],
      }],
      'no-restricted-globals': ['error', 'process', 'console'],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cluster/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: cluster.map((name) => ({ name, message: 'load it lazily via src/cluster/load.ts', allowTypeImports: true })) }],
    },
  },
);
