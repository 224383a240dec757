// Families seen by at least $min_agencies agencies in the 12 months up to
// $as_of, most agencies first. Parameters: $min_agencies (e.g. 5),
// $as_of (a local date-time, e.g. "2022-12-31T23:59:59").
MATCH (c:Contact)-[i:INVOLVES]->(:Person)
WHERE localdatetime($as_of) - duration({months: 12}) < c.at <= localdatetime($as_of)
MATCH (c)-[:WITH]->(a:Agency)
WITH i.family_id AS family_id, count(DISTINCT a) AS agencies, count(DISTINCT c) AS contacts
WHERE agencies >= $min_agencies
RETURN family_id, agencies, contacts
ORDER BY agencies DESC, contacts DESC, family_id
