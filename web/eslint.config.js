// ESLint for the web app (`npm run lint`, run by `make test`): ESLint's and typescript-eslint's
// recommended rules. Type errors are tsc's job (`npm run typecheck`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "../nbcloud/static/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    rules: {
      // Parameters and locals named with a leading underscore are unused on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
