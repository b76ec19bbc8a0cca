// name: lineage
// answers: Everything a document implements or continues, transitively, up to the central documents:
//   one row per edge of the lineage (from, relation, to), with its smallest quote and that quote's
//   file (the first in path order if several), and how many statements (files) state the edge.
// param: doc (required) the document's symbol, optionally @YEAR (55-CTr/TU, 11-CTr/TU@2021)
// param: province (optional) narrows the symbol to one province (Tuyên Quang or tuyen-quang)
MATCH (doc:Resource) WHERE doc.iri IN $doc
MATCH (doc)-[:CONCRETIZES|CONTINUES|IMPLEMENTS*0..]->(from)
WITH DISTINCT doc, from
MATCH (from)-[st:CONCRETIZES|CONTINUES|IMPLEMENTS]->(to)
WITH doc, from, st.relation AS relation, to, min(st.quote) AS quote, collect([st.quote, st.source]) AS sts
RETURN doc.iri AS doc, from.iri AS `from`, coalesce(from.symbol, from.label) AS fromSymbol, relation,
       to.iri AS `to`, coalesce(to.symbol, to.label) AS toSymbol, to.date AS toDate, to.scope AS toScope,
       to.scope = 'central' AS central, quote,
       reduce(m = null, x IN sts | CASE WHEN x[0] = quote AND (m IS NULL OR x[1] < m) THEN x[1] ELSE m END) AS source,
       size(sts) AS statements
ORDER BY fromSymbol, toSymbol, relation
