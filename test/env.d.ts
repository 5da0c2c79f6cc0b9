declare module "cloudflare:test" {
  // The test runtime's `env` has the Worker's bindings.
  interface ProvidedEnv extends Env {}
}
