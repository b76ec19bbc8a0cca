// name: implementers
// answers: Every document that implements a document, directly or transitively (local programmes,
//   plans, projects…), by province and date, with the delay in days after the implemented document.
// param: doc (required) the implemented document's symbol, optionally @YEAR (21-NQ/TW, 18-NQ/TW@2017)
// param: province (optional) only implementers of this province
MATCH (doc:Resource) WHERE doc.iri IN $doc
MATCH (implementer)-[:CONCRETIZES|CONTINUES|IMPLEMENTS*1..]->(doc)
WITH DISTINCT doc, implementer
WHERE implementer.loaded IS NOT NULL
OPTIONAL MATCH (implementer)-[:IN_PROVINCE]->(p:Province)
WITH doc, implementer, p.name AS province
WHERE $p_province IS NULL OR province = $p_province
RETURN doc.iri AS doc, implementer.iri AS implementer, coalesce(implementer.symbol, implementer.label) AS symbol,
       implementer.date AS date, province,
       EXISTS { (implementer)-[:CONCRETIZES|CONTINUES|IMPLEMENTS]->(doc) } AS direct,
       implementer.dayNumber - doc.dayNumber AS delayDays, implementer.loaded AS loaded
ORDER BY province, date, symbol
