// Lints named Cypher statements with Neo4j's own front end (@neo4j-cypher/language-support).
// Reads {"schema": DbSchema, "statements": {name: text}} as JSON on stdin and writes
// {name: [{severity, message, line, character}]} as JSON on stdout.
const { lintCypherQuery } = require("@neo4j-cypher/language-support");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { schema, statements } = JSON.parse(input);
  const found = {};
  for (const [name, text] of Object.entries(statements)) {
    const { diagnostics } = lintCypherQuery(text, schema);
    found[name] = diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range.start.line + 1,
      character: d.range.start.character + 1,
    }));
  }
  process.stdout.write(JSON.stringify(found));
});
