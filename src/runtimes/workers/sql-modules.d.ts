/** wrangler.toml's `[[rules]] type = "Text"` bundles each migrations/*.sql file as its text. */
declare module '*.sql' {
  const text: string;
  export default text;
}
