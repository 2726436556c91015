import { readFileSync } from 'node:fs';

/** The fenced blocks of one language (```sh, ```promql …) of a Markdown text, in order. */
export function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);
}

/** The ```yaml blocks of a Markdown text, in order: the examples a user copies. */
export function yamlBlocks(markdown: string): string[] {
  return blocks(markdown, 'yaml');
}

/** The ```yaml blocks of a component's README, by its folder (`receivers/kong_tcp_log`). */
export function readmeYaml(component: string): string[] {
  return yamlBlocks(readFileSync(new URL(`../../${component}/README.md`, import.meta.url), 'utf8'));
}
