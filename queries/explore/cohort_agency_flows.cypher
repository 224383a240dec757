// The agency flows of a cohort of families: each step of their journeys from
// one agency to the next, counted. Parameters: $family_ids (a list of ids).
MATCH (a:Contact)-[n:NEXT_FOR_FAMILY]->(b:Contact)
WHERE n.family_id IN $family_ids
MATCH (a)-[:WITH]->(x:Agency)
MATCH (b)-[:WITH]->(y:Agency)
RETURN x.name AS from_agency, y.name AS to_agency, count(*) AS transitions,
       count(DISTINCT n.family_id) AS families
ORDER BY transitions DESC, from_agency, to_agency
