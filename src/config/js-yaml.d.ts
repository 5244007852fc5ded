// The part of js-yaml 4 that codexguard uses (the package ships no types).
declare module 'js-yaml' {
  /** YAML 1.2 core types only: no timestamps, binary or other extra tags. */
  export const CORE_SCHEMA: unknown;
  export function load(text: string, options?: { schema?: unknown; filename?: string }): unknown;
  export class YAMLException extends Error {
    reason: string;
    mark?: { line: number; column: number };
  }
}
