// A family's journey in order: each contact once, with its agency, its type
// and the members it involved. Parameters: $family_id (e.g. "F000001").
MATCH (c:Contact)-[i:INVOLVES {family_id: $family_id}]->(:Person)
MATCH (c)-[:WITH]->(a:Agency)
WITH DISTINCT c, a, i.step AS step
RETURN step, c.id AS contact_id, c.at AS at, a.name AS agency, c.type AS contact_type,
       COLLECT {
         MATCH (c)-[:INVOLVES {family_id: $family_id}]->(m:Person)
         RETURN m.id ORDER BY m.id
       } AS members
ORDER BY step
