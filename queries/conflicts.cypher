// name: conflicts
// answers: Data-quality records: typos resolved with evidence, documents cited with two dates or
//   terms, ambiguous mentions, unmatched planned items, extraction errors; with the quote and file.
// param: kind (optional) type_code_typo | issuer_code_typo | date_conflict | term_conflict |
//   ambiguous_mention | unmatched_planned | unnumbered_resolved | unit_resolved | unit_unknown | duplicate_file | extraction_error
// param: doc (optional) only records about this document
// param: province (optional) only records read in this province's files (Tuyên Quang or tuyen-quang)
MATCH (record:QualityRecord)
WHERE record.qualityKind IS NOT NULL AND record.severity IS NOT NULL AND record.comment IS NOT NULL
  AND ($p_kind IS NULL OR record.qualityKind = $p_kind)
  AND ($doc IS NULL OR EXISTS { (record)-[:CONCERNS]->(d) WHERE d.iri IN $doc })
  AND ($p_province IS NULL OR EXISTS { (record)-[:IN_PROVINCE]->(p:Province) WHERE p.name = $p_province })
CALL (record) {
  OPTIONAL MATCH (record)-[:CONCERNS]->(c)
  WITH DISTINCT coalesce(c.symbol, c.label) AS s WHERE s IS NOT NULL
  WITH s ORDER BY s
  RETURN reduce(acc = null, x IN collect(s) | CASE WHEN acc IS NULL THEN x ELSE acc + ', ' + x END) AS documents
}
CALL (record) {
  OPTIONAL MATCH (record)-[:EVIDENCE]->(ev)
  WITH ev ORDER BY ev.iri LIMIT 1
  RETURN ev
}
UNWIND CASE WHEN record.asWritten IS NULL THEN [null] ELSE record.asWritten END AS asWritten
RETURN record.qualityKind AS kind, record.severity AS severity, record.comment AS message, asWritten,
       record.resolvedTo AS resolvedTo, documents, ev.quote AS quote,
       ev.source AS source, ev.start AS start, record.iri AS record
ORDER BY kind, message
