// Queries of the Neo4j store. One statement per named block; values only as
// $parameters; labels and relationship types are written here, never taken
// from input. The graph model is docs/graph-model.md.

// -- schema: run one at a time, before the first write ---------------------

// name: constraint_person
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE

// name: constraint_family
CREATE CONSTRAINT family_id IF NOT EXISTS FOR (f:Family) REQUIRE f.id IS UNIQUE

// name: constraint_contact
CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (c:Contact) REQUIRE c.id IS UNIQUE

// name: constraint_agency
CREATE CONSTRAINT agency_name IF NOT EXISTS FOR (a:Agency) REQUIRE a.name IS UNIQUE

// name: constraint_lead_period
CREATE CONSTRAINT lead_period_key IF NOT EXISTS FOR (l:LeadPeriod) REQUIRE (l.family_id, l.lead_from) IS UNIQUE

// name: constraint_load
CREATE CONSTRAINT load_id IF NOT EXISTS FOR (l:Load) REQUIRE l.id IS UNIQUE

// name: constraint_result
CREATE CONSTRAINT result_name IF NOT EXISTS FOR (r:Result) REQUIRE r.name IS UNIQUE

// name: constraint_meta
CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:Meta) REQUIRE m.key IS UNIQUE

// name: index_contact_at
CREATE INDEX contact_at IF NOT EXISTS FOR (c:Contact) ON (c.at)

// name: index_family_area
CREATE INDEX family_area IF NOT EXISTS FOR (f:Family) ON (f.area)

// name: index_involves_family
CREATE INDEX involves_family IF NOT EXISTS FOR ()-[i:INVOLVES]-() ON (i.family_id)

// name: index_next_for_family
CREATE INDEX next_for_family IF NOT EXISTS FOR ()-[n:NEXT_FOR_FAMILY]-() ON (n.family_id)

// name: index_next_for_person
CREATE INDEX next_for_person IF NOT EXISTS FOR ()-[n:NEXT_FOR_PERSON]-() ON (n.person_id)

// -- the database and its schema version -----------------------------------

// name: server_components
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition

// name: count_nodes
MATCH (n) RETURN count(n) AS nodes

// name: get_meta
MATCH (m:Meta {key: $key}) RETURN m.value AS value

// name: set_meta
MERGE (m:Meta {key: $key}) SET m.value = $value

// name: delete_everything
// Tests only, on a database the suite created: every node and relationship, in batches.
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS

// -- writes (idempotent: MERGE on the keys) --------------------------------

// name: merge_families
UNWIND $rows AS row
MERGE (f:Family {id: row.family_id})
SET f.area = coalesce(row.area, f.area), f.listed = true

// name: merge_people
UNWIND $rows AS row
MERGE (f:Family {id: row.family_id})
MERGE (p:Person {id: row.person_id})
SET p.role = row.role, p.birth_month = row.birth_month, p.sex = row.sex
WITH p, f
CALL (p, f) {
  MATCH (p)-[old:MEMBER_OF]->(other:Family)
  WHERE other <> f
  DELETE old
}
MERGE (p)-[:MEMBER_OF]->(f)

// name: merge_lead_periods
UNWIND $rows AS row
MERGE (f:Family {id: row.family_id})
MERGE (l:LeadPeriod {family_id: row.family_id, lead_from: row.lead_from})
SET l.lead_to = row.lead_to,
    l.lead_worker = coalesce(row.lead_worker, l.lead_worker),
    l.lead_team = coalesce(row.lead_team, l.lead_team)
MERGE (l)-[:LEAD_FOR]->(f)

// Contacts are written in steps, each an UNWIND over distinct rows: the
// agencies, families and people they name (each node written once per batch,
// not once per row); then each contact the graph does not hold yet, created
// with all its links in one statement; a contact whose content changed is
// merged again (merge_contacts, then one INVOLVES per row). Unchanged contacts
// (the same digest) are not written at all.

// name: merge_agencies
UNWIND $rows AS row
MERGE (a:Agency {name: row.agency})
SET a.sector = row.sector

// name: merge_referrers
// Agencies named only as referrers; an agency's sector comes from its own contacts.
UNWIND $rows AS row
MERGE (:Agency {name: row.referred_by})

// name: merge_contact_families
UNWIND $rows AS row
MERGE (f:Family {id: row.family_id})
SET f.listed = true

// name: merge_contact_people
UNWIND $rows AS row
MERGE (:Person {id: row.person_id})

// name: stored_contacts
// The digest of each of these contacts the graph holds, and the families its rows name.
UNWIND $contact_ids AS id
MATCH (c:Contact {id: id})
RETURN collect(id) AS contact_id, collect(coalesce(c.digest, 0)) AS digest,
       collect([(c)-[i:INVOLVES]->() | i.family_id]) AS family_ids

// name: create_contacts
// One row per new contact, with the person and family of each of its rows as
// two lists. Its agencies exist already (merge_agencies, merge_referrers):
// matching rather than merging them keeps the statement free of eager steps.
UNWIND $rows AS row
MATCH (a:Agency {name: row.agency})
OPTIONAL MATCH (r:Agency {name: row.referred_by})
CREATE (c:Contact {id: row.contact_id, at: localdatetime(row.occurred_at), type: row.contact_type,
                   service: row.service, source_system: row.source_system, digest: row.digest})
CREATE (c)-[:WITH]->(a)
FOREACH (referrer IN CASE WHEN r IS NULL THEN [] ELSE [r] END |
  CREATE (c)-[:REFERRED_BY]->(referrer)
)
WITH c, row
UNWIND range(0, size(row.people) - 1) AS k
MATCH (p:Person {id: row.people[k]})
CREATE (c)-[:INVOLVES {family_id: row.families[k]}]->(p)

// name: merge_contacts
// One row per changed contact: its properties, its agency and its referrer
// (replacing the links of a corrected contact).
UNWIND $rows AS row
MATCH (a:Agency {name: row.agency})
MERGE (c:Contact {id: row.contact_id})
SET c.at = localdatetime(row.occurred_at), c.type = row.contact_type,
    c.service = row.service, c.source_system = row.source_system, c.digest = row.digest
WITH c, a, row
CALL (c, a, row) {
  MATCH (c)-[link:WITH|REFERRED_BY]->(other:Agency)
  WHERE (type(link) = 'WITH' AND other <> a)
     OR (type(link) = 'REFERRED_BY' AND other.name <> coalesce(row.referred_by, ''))
  DELETE link
}
MERGE (c)-[:WITH]->(a)
FOREACH (referrer IN CASE WHEN row.referred_by IS NULL THEN [] ELSE [row.referred_by] END |
  MERGE (r:Agency {name: referrer})
  MERGE (c)-[:REFERRED_BY]->(r)
)

// name: merge_involves
// One row per (contact, person) of a changed contact; the row's family is a property of the link.
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact_id})
MATCH (p:Person {id: row.person_id})
MERGE (c)-[i:INVOLVES]->(p)
SET i.family_id = row.family_id

// name: start_run
// A load run as started: one :Load node per input file, finished_at null until
// finish_run; its run id follows every earlier one (a node from before runs
// were recorded is a run of its own, numbered by its id).
OPTIONAL MATCH (l:Load)
WITH coalesce(max(coalesce(l.run_id, l.id)), 0) + 1 AS run_id, coalesce(max(l.id), 0) AS last_id
UNWIND range(0, size($rows) - 1) AS i
WITH run_id, last_id, i, $rows[i] AS row
CREATE (:Load {id: last_id + i + 1, run_id: run_id, source: row.source, kind: row.kind,
               mapping: row.mapping, checksum: row.checksum, started_at: row.started_at,
               finished_at: row.finished_at, rows_in: row.rows_in, loaded: row.loaded,
               rejected: row.rejected, duplicates: row.duplicates, updated: row.updated,
               rejects_path: row.rejects_path})
RETURN DISTINCT run_id

// name: finish_run
MATCH (l:Load {run_id: $run_id})
SET l.finished_at = $finished_at

// -- the journey chains, rebuilt for the families and people a load changed --

// name: stored_families
// For each family: how many contact rows name it, and the digest of its chain when last built.
UNWIND $family_ids AS id
OPTIONAL MATCH (f:Family {id: id})
RETURN collect(id) AS family_id, collect(coalesce(f.chain_digest, 0)) AS chain_digest,
       collect(COUNT { ()-[i:INVOLVES]->() WHERE i.family_id = id }) AS rows

// name: stored_people
// For each person: how many contact rows involve them, and the digest of their chain.
UNWIND $person_ids AS id
OPTIONAL MATCH (p:Person {id: id})
RETURN collect(id) AS person_id, collect(coalesce(p.chain_digest, 0)) AS chain_digest,
       collect(CASE WHEN p IS NULL THEN 0 ELSE COUNT { (p)<-[:INVOLVES]-() } END) AS rows

// name: delete_family_chains
MATCH ()-[n:NEXT_FOR_FAMILY]->()
WHERE n.family_id IN $family_ids
DELETE n

// name: delete_person_chains
MATCH ()-[n:NEXT_FOR_PERSON]->()
WHERE n.person_id IN $person_ids
DELETE n

// name: set_steps
// Each contact's position in its family's journey (0, 1, ...), on each of its rows of that family.
// (Setting steps and creating links in one statement is many times slower past a
// few thousand rows, so they are two.)
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact_id})-[i:INVOLVES {family_id: row.family_id}]->()
SET i.step = row.step

// name: create_family_chain
// One row per contact of a family that has a next contact.
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact_id})
MATCH (n:Contact {id: row.next_id})
CREATE (c)-[:NEXT_FOR_FAMILY {family_id: row.family_id, days: row.days}]->(n)

// name: create_person_chain
UNWIND $rows AS row
MATCH (a:Contact {id: row.from_id})
MATCH (b:Contact {id: row.to_id})
CREATE (a)-[:NEXT_FOR_PERSON {person_id: row.person_id, days: row.days}]->(b)

// name: set_family_digests
UNWIND $rows AS row
MATCH (f:Family {id: row.id})
SET f.chain_digest = row.digest

// name: set_person_digests
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
SET p.chain_digest = row.digest

// -- reads -----------------------------------------------------------------

// Contact rows come back as one record of columns (a list per column, missing
// text as ''): the driver unpacks a few long lists several times faster than a
// record per row. The store reads every contact a few thousand families at a time.

// name: select_contacts_of_families
MATCH (c:Contact)-[i:INVOLVES]->(p:Person)
WHERE i.family_id IN $family_ids
MATCH (c)-[:WITH]->(a:Agency)
OPTIONAL MATCH (c)-[:REFERRED_BY]->(r:Agency)
RETURN collect(c.id) AS contact_id, collect(p.id) AS person_id,
       collect(i.family_id) AS family_id, collect(a.name) AS agency,
       collect(coalesce(a.sector, '')) AS sector, collect(c.type) AS contact_type,
       collect(toString(c.at)) AS occurred_at, collect(coalesce(r.name, '')) AS referred_by,
       collect(coalesce(c.service, '')) AS service,
       collect(coalesce(c.source_system, '')) AS source_system

// name: select_contacts_of_people
MATCH (c:Contact)-[i:INVOLVES]->(p:Person)
WHERE p.id IN $person_ids
MATCH (c)-[:WITH]->(a:Agency)
OPTIONAL MATCH (c)-[:REFERRED_BY]->(r:Agency)
RETURN collect(c.id) AS contact_id, collect(p.id) AS person_id,
       collect(i.family_id) AS family_id, collect(a.name) AS agency,
       collect(coalesce(a.sector, '')) AS sector, collect(c.type) AS contact_type,
       collect(toString(c.at)) AS occurred_at, collect(coalesce(r.name, '')) AS referred_by,
       collect(coalesce(c.service, '')) AS service,
       collect(coalesce(c.source_system, '')) AS source_system

// name: select_journey_rows_of_families
// What the journey chains are built from: each row's contact, person, family and time.
MATCH (c:Contact)-[i:INVOLVES]->(p:Person)
WHERE i.family_id IN $family_ids
RETURN collect(c.id) AS contact_id, collect(p.id) AS person_id,
       collect(i.family_id) AS family_id, collect(toString(c.at)) AS occurred_at

// name: select_journey_rows_of_people
MATCH (c:Contact)-[i:INVOLVES]->(p:Person)
WHERE p.id IN $person_ids
RETURN collect(c.id) AS contact_id, collect(p.id) AS person_id,
       collect(i.family_id) AS family_id, collect(toString(c.at)) AS occurred_at

// name: select_family_ids
MATCH (f:Family) RETURN collect(f.id) AS family_id

// name: select_family_ids_of_area
MATCH (f:Family {area: $area}) RETURN f.id AS family_id

// name: select_people
MATCH (p:Person)-[:MEMBER_OF]->(f:Family)
RETURN p.id AS person_id, f.id AS family_id, p.role AS role,
       p.birth_month AS birth_month, p.sex AS sex
ORDER BY family_id, person_id

// name: select_people_of_family
MATCH (p:Person)-[:MEMBER_OF]->(f:Family {id: $family_id})
RETURN p.id AS person_id, f.id AS family_id, p.role AS role,
       p.birth_month AS birth_month, p.sex AS sex
ORDER BY person_id

// name: select_families
MATCH (f:Family) WHERE f.listed
RETURN f.id AS family_id, f.area AS area
ORDER BY family_id

// name: select_lead_periods
MATCH (l:LeadPeriod)
RETURN l.family_id AS family_id, toString(l.lead_from) AS lead_from,
       toString(l.lead_to) AS lead_to, l.lead_worker AS lead_worker, l.lead_team AS lead_team
ORDER BY family_id, lead_from

// name: select_lead_periods_of_family
MATCH (l:LeadPeriod {family_id: $family_id})
RETURN l.family_id AS family_id, toString(l.lead_from) AS lead_from,
       toString(l.lead_to) AS lead_to, l.lead_worker AS lead_worker, l.lead_team AS lead_team
ORDER BY lead_from

// name: select_agencies
MATCH (a:Agency)<-[:WITH]-(:Contact)-[i:INVOLVES]->()
RETURN a.name AS agency, a.sector AS sector, count(i) AS contacts
ORDER BY contacts DESC, agency

// name: counts
CALL () { MATCH (:Person)-[:MEMBER_OF]->() RETURN count(*) AS people }
CALL () { MATCH (f:Family) WHERE f.listed RETURN count(f) AS families }
CALL () { MATCH (c:Contact) WHERE EXISTS { (c)-[:INVOLVES]->() } RETURN count(c) AS contacts }
CALL () { MATCH ()-[i:INVOLVES]->() RETURN count(i) AS contact_rows }
CALL () { MATCH (a:Agency) WHERE EXISTS { (a)<-[:WITH]-() } RETURN count(a) AS agencies }
CALL () { MATCH (l:Load) RETURN count(l) AS loads }
RETURN people, families, contacts, contact_rows, agencies, loads

// name: date_range
MATCH (c:Contact)
RETURN min(c.at) AS first, max(c.at) AS last

// name: select_loads
MATCH (l:Load)
RETURN l.id AS load_id, coalesce(l.run_id, l.id) AS run_id, l.source AS source,
       l.kind AS kind, l.mapping AS mapping, l.checksum AS checksum,
       toString(l.started_at) AS started_at, toString(l.finished_at) AS finished_at,
       l.rows_in AS rows_in, l.loaded AS loaded, l.rejected AS rejected,
       coalesce(l.duplicates, 0) AS duplicates, l.rejects_path AS rejects_path,
       coalesce(l.updated, 0) AS updated
ORDER BY load_id DESC

// name: mark_touched
// Families whose contacts a load added or changed since the last `journey analyse`.
UNWIND $rows AS row
MERGE (:Touched {family_id: row.family_id})

// name: select_touched
MATCH (t:Touched) RETURN t.family_id AS family_id ORDER BY family_id

// name: clear_touched
UNWIND $rows AS row
MATCH (t:Touched {family_id: row.family_id}) DELETE t

// -- analysis results --------------------------------------------------------

// name: delete_results
MATCH (r:Result) DELETE r

// name: insert_results
UNWIND $rows AS row
CREATE (:Result {name: row.name, payload: row.payload})

// name: select_result
MATCH (r:Result {name: $name}) RETURN r.payload AS payload

// name: delete_flows
MATCH (:Agency)-[f:FLOWS_TO]->(:Agency) DELETE f

// name: create_flows
UNWIND $rows AS row
MERGE (a:Agency {name: row.from_agency})
MERGE (b:Agency {name: row.to_agency})
CREATE (a)-[:FLOWS_TO {transitions: row.transitions, families: row.families,
                       median_days: row.median_days}]->(b)

// name: select_flows
MATCH (a:Agency)-[f:FLOWS_TO]->(b:Agency)
RETURN a.name AS from_agency, b.name AS to_agency, f.transitions AS transitions,
       f.families AS families, f.median_days AS median_days
ORDER BY transitions DESC, from_agency, to_agency
