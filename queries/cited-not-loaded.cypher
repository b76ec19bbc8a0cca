// name: cited-not-loaded
// answers: Documents cited in the corpus but not in it, with how many files cite them and which
//   loaded documents do: the reading list for completing the corpus.
// param: province (optional) only documents of this province
// param: scope (optional) central | province:<slug> | state …
MATCH (doc:Document {loaded: false})
WHERE NOT doc:AmbiguousReference AND doc.scope IS NOT NULL
  AND ($p_scope IS NULL OR doc.scope = $p_scope)
OPTIONAL MATCH (doc)-[:IN_PROVINCE]->(p:Province)
WITH doc, p.name AS pl
WHERE $p_province IS NULL OR pl = $p_province
WITH doc, COUNT { (doc)-[:CITED_IN]->(:SourceFile) } AS citingFiles
WHERE citingFiles > 0
CALL (doc) {
  MATCH (citer:Document {loaded: true})-[:AMENDS|BASED_ON|CITES|CONCRETIZES|CONTINUES|GUIDES|IMPLEMENTS|ISSUED_BY_DECISION|REPEALS|REPLACES|REVIEWS]->(doc)
  WHERE citer.symbol IS NOT NULL
  WITH DISTINCT citer.symbol AS s ORDER BY s
  RETURN reduce(acc = null, x IN collect(s) | CASE WHEN acc IS NULL THEN x ELSE acc + ', ' + x END) AS citedBy
}
RETURN doc.iri AS doc, coalesce(doc.symbol, doc.label) AS symbol, doc.date AS date, doc.scope AS scope,
       citingFiles, citedBy
ORDER BY citingFiles DESC, scope, symbol
