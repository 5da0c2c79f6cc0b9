-- A vault's firewall (issue 17, docs/access-control.md "Firewall"): JSON {defaultAction: "Allow"|"Deny", ipRules:
-- ["203.0.113.0/24", …]}; NULL admits every caller, as a vault without network rules does.
ALTER TABLE vault ADD COLUMN network_acls TEXT;
