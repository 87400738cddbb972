// What a reproduction folder's run.mjs reads from repro.json: which subtest, on which runtime, and the
// runtime's command line with placeholders that run.mjs fills in once the fixture server is up.

/** Placeholders in `argv`, `env` and `config`: replaced by run.mjs at run time. */
export const PLACEHOLDER = {
  /** The runtime binary (argv[0]). */
  binary: '@@BINARY@@',
  /** The bundled test (test.mjs) in the folder. */
  bundle: '@@BUNDLE@@',
  /** The fixture CA, as a PEM file path. */
  caFile: '@@CA_FILE@@',
  /** The folder itself. */
  dir: '@@DIR@@',
  /** A fixture host that stands for all of them: a permission list built from the address map (deno's
   * --allow-net) contains `@@NET@@:1`, and run.mjs rebuilds that list from the real addresses. */
  net: '@@NET@@',
} as const;

export interface ReproPlan {
  file: string;
  subtest: string;
  runtime: string;
  runtimeVersion: string;
  /** How to get the binary without this suite, for the README and run.mjs's error message. */
  binaryHint: string;
  /** Environment variable that overrides the binary (e.g. DENO_BIN). */
  binaryVariable: string;
  /** The binary used when the variable is not set: a name looked up on PATH, or `node` for node itself. */
  binaryDefault: string;
  argv: string[];
  env: Record<string, string>;
  /** workerd: the config file's text, with the context and CA as placeholders (see contextToken / caToken). */
  config?: { file: string; text: string; contextToken: string; caToken: string };
  /** The argv element that stands for the context JSON (node, deno, bun). */
  contextArgToken?: string;
  /** Milliseconds run.mjs waits before calling the subtest a TIMEOUT. */
  timeoutMs: number;
}
