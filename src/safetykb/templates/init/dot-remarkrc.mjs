// Written by `safetykb init`. Validates each document's front matter against
// .safetykb/front-matter.schema.json (written by init; refresh it after an
// upgrade with `safetykb schema > .safetykb/front-matter.schema.json`) while
// you type in VS Code, with the remark extension (unifiedjs.vscode-remark),
// and from the command line with `npx remark procedures checklists --quiet`.
// Needs `npm install` once in this folder (package.json lists the plugins).
// It covers the front matter only; `safetykb check` runs every rule.
import remarkFrontmatter from 'remark-frontmatter';
import frontmatterSchema from 'remark-lint-frontmatter-schema';

export default {
  plugins: [
    remarkFrontmatter,
    [frontmatterSchema, {
      schemas: {
        '.safetykb/front-matter.schema.json': ['procedures/**/*.md', 'checklists/**/*.md'],
      },
      // The schema says draft 2020-12; the plugin's Ajv loads the draft-07
      // meta-schema only and would refuse it. Every keyword the schema uses
      // (if/then, const, anyOf, enum, pattern, format) is also draft-07.
      ajvOptions: {validateSchema: false},
    }],
  ],
};
