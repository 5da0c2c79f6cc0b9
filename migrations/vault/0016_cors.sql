-- A vault's CORS rule (issue 17, docs/access-control.md "CORS"): JSON {allowedOrigins, allowedMethods,
-- allowedHeaders, exposedHeaders, maxAgeInSeconds}; NULL answers no browser origin.
ALTER TABLE vault ADD COLUMN cors TEXT;
