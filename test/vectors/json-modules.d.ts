/** Test vectors are JSON files (test/vectors/*.json); tests narrow their shape before use. */
declare module "*.json" {
  const value: unknown;
  export default value;
}
