// Flat ESLint config for the whole monorepo: type-aware typescript-eslint rules,
// vitest rules for tests, and a ban on reaching into another package's internals.
import tseslint from "typescript-eslint";
import vitest from "@vitest/eslint-plugin";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/fixtures/**", "**/*.config.ts", "eslint.config.js"],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@wasmu/*/src/*", "@wasmu/*/dist/*", "../../*/src/*"], message: "Import another package only through its public entry point." }] },
      ],
    },
  },
  {
    files: ["**/test/**/*.ts", "**/*.test.ts"],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
