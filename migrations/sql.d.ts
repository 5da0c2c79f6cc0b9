/** SQL migration files are bundled as text (wrangler `rules` Text; vitest via a small plugin). */
declare module "*.sql" {
  const text: string;
  export default text;
}
