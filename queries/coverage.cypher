// name: coverage
// answers: For each central document cited in the corpus, and each province that has documents in
//   the corpus: the province's documents that implement it (transitively), or none.
// param: province (optional) only this province
// param: doc (optional) only this central document
MATCH (doc:Document {scope: 'central'})
WHERE doc.symbol IS NOT NULL AND NOT doc:AmbiguousReference AND EXISTS { (doc)-[:CITED_IN]->() }
  AND ($doc IS NULL OR doc.iri IN $doc)
OPTIONAL MATCH (impl)-[:CONCRETIZES|CONTINUES|IMPLEMENTS*1..]->(doc)
WITH doc, collect(DISTINCT impl) AS impls
MATCH (p:Province)
WHERE p.name IS NOT NULL AND EXISTS { (:Document {loaded: true})-[:IN_PROVINCE]->(p) }
  AND ($p_province IS NULL OR p.name = $p_province)
WITH doc, p, [i IN impls WHERE EXISTS { (i)-[:IN_PROVINCE]->(p) }] AS here
CALL (here) {
  UNWIND here AS i
  WITH DISTINCT coalesce(i.symbol, i.label) AS s WHERE s IS NOT NULL
  WITH s ORDER BY s
  RETURN reduce(acc = null, x IN collect(s) | CASE WHEN acc IS NULL THEN x ELSE acc + ', ' + x END) AS implementers
}
RETURN doc.iri AS doc, doc.symbol AS symbol, doc.date AS date, p.name AS province, size(here) > 0 AS covered,
       implementers
ORDER BY date, symbol, province
