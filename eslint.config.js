// Lint for the library, kernel, tests and benches: typescript-eslint's recommended rules,
// with unused variables allowed only when prefixed by an underscore.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "out/",
      "node_modules/",
      "docs/api/",
      "src/backend/wasm/kernelsWasm.ts",
      "src/backend/wasm/fusedVmWasm.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
);
