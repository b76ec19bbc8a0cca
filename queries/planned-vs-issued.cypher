// name: planned-vs-issued
// answers: Documents a programme planned (kind, title, deadline) against the documents that
//   fulfilled them, with the delay in days after the deadline and the match score; open items too.
// param: doc (optional) only the items planned by this document (01-CTr/TU)
// param: status (optional) issued | open
// param: due-before (optional) YYYY-MM-DD: only items whose deadline falls before that day (with
//   status=open: what is overdue on it)
MATCH (planned:PlannedDocument)-[:IN_DOCUMENT]->(doc)
WHERE planned.title IS NOT NULL AND ($doc IS NULL OR doc.iri IN $doc)
OPTIONAL MATCH (planned)-[f:FULFILLED_BY]->(issued)
WHERE f.score IS NOT NULL AND f.quote IS NOT NULL AND issued.symbol IS NOT NULL
WITH doc, planned, f, issued, CASE WHEN issued IS NULL THEN 'open' ELSE 'issued' END AS status
WHERE ($p_status IS NULL OR status = $p_status)
  AND ($p_due_before IS NULL OR toString(planned.deadlineDate) < $p_due_before)
RETURN doc.iri AS doc, coalesce(doc.symbol, doc.label) AS planSymbol, planned.ordinal AS ordinal,
       planned.kind AS kind, planned.title AS title, planned.deadline AS deadline,
       planned.deadlineDate AS deadlineDate, status, issued.symbol AS issuedSymbol, issued.date AS issuedDate,
       f.delayDays AS delayDays, f.score AS score, f.quote AS evidence, planned.iri AS planned
ORDER BY planSymbol, status, planned
