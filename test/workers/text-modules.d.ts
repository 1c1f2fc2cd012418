/** test/workers/wrangler.toml's Text rule bundles the sample directory (YAML) as its text. */
declare module '*.yaml' {
  const text: string;
  export default text;
}
