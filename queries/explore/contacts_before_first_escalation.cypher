// The contacts of a family before its first escalation: its first contact with
// an agency of an escalation sector (except the excluded agencies) or of an
// escalation type. Parameters: $family_id, $escalation_sectors (e.g.
// ["social care"]), $excluded_agencies (e.g. ["Adult Social Care"]),
// $escalation_types (e.g. ["child_protection_plan"]).
MATCH (x:Contact)-[xi:INVOLVES {family_id: $family_id}]->(:Person)
MATCH (x)-[:WITH]->(xa:Agency)
WHERE (xa.sector IN $escalation_sectors AND NOT xa.name IN $excluded_agencies)
   OR x.type IN $escalation_types
WITH min(xi.step) AS first
MATCH (c:Contact)-[i:INVOLVES {family_id: $family_id}]->(:Person)
WHERE i.step < first
MATCH (c)-[:WITH]->(a:Agency)
RETURN DISTINCT i.step AS step, c.id AS contact_id, c.at AS at, a.name AS agency,
       c.type AS contact_type
ORDER BY step
