/** Vite's `?raw` suffix imports a file as its text (used to hold code to the tables of migrations/README.md). */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
