// name: lineage
// answers: Everything a document implements or continues, transitively, up to the central documents:
//   one row per edge of the lineage (from, relation, to), with the quote and file it comes from.
// param: doc (required) the document's symbol, optionally @YEAR (55-CTr/TU, 11-CTr/TU@2021)
// param: province (optional) narrows the symbol to one province (Tuyên Quang or tuyen-quang)
MATCH (doc:Resource) WHERE doc.iri IN $doc
MATCH (doc)-[:CONCRETIZES|CONTINUES|IMPLEMENTS*0..]->(from)
WITH DISTINCT doc, from
MATCH (from)-[st:CONCRETIZES|CONTINUES|IMPLEMENTS]->(to)
WITH doc, from, st.relation AS relation, to, min(st.quote) AS quote, collect(DISTINCT st.source) AS srcs
CALL (srcs) {
  UNWIND srcs AS s WITH s ORDER BY s
  RETURN reduce(acc = null, x IN collect(s) | CASE WHEN acc IS NULL THEN x ELSE acc + ' ' + x END) AS sources
}
RETURN doc.iri AS doc, from.iri AS `from`, coalesce(from.symbol, from.label) AS fromSymbol, relation,
       to.iri AS `to`, coalesce(to.symbol, to.label) AS toSymbol, to.date AS toDate, to.scope AS toScope,
       to.scope = 'central' AS central, quote, sources
ORDER BY fromSymbol, toSymbol, relation
