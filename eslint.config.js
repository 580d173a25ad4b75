// Lint for the library, kernel, tests and benches: typescript-eslint's recommended rules,
// with unused variables allowed only when prefixed by an underscore. Plain .js/.mjs/.cjs
// files (build scripts, configs) run in Node and get Node's globals.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "out/",
      "node_modules/",
      "test-output/",
      "docs/api/",
      // Third-party files kept byte for byte (tslab's examples).
      "test/fixtures/tslab-examples/",
      "src/backend/wasm/kernelsWasm.ts",
      "src/backend/wasm/fusedVmWasm.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
);
