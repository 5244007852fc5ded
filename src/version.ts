// codexguard's version, stamped in at build time from package.json.
declare const __CODEXGUARD_VERSION__: string | undefined;

/** The running codexguard's version ("0.0.0-dev" when run unbundled). */
export const VERSION: string = typeof __CODEXGUARD_VERSION__ === 'string' ? __CODEXGUARD_VERSION__ : '0.0.0-dev';
