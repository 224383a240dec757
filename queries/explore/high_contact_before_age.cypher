// People who had at least $min_contacts contacts with at least $min_agencies
// agencies before their $by_age-th birthday (born on the first day of their
// birth month). Parameters: $by_age (13), $min_contacts (30), $min_agencies (5).
MATCH (p:Person)
WHERE p.birth_month IS NOT NULL
WITH p, date(p.birth_month + '-01') + duration({years: $by_age}) AS birthday
MATCH (c:Contact)-[:INVOLVES]->(p)
WHERE c.at < localdatetime({date: birthday})
MATCH (c)-[:WITH]->(a:Agency)
WITH p, birthday, count(DISTINCT c) AS contacts, count(DISTINCT a) AS agencies
WHERE contacts >= $min_contacts AND agencies >= $min_agencies
RETURN p.id AS person_id, birthday, contacts, agencies
ORDER BY contacts DESC, person_id
