// name: tasks-by-agency
// answers: Tasks of the task tables by agency (lead or cooperating), with deadlines and the document.
// param: agency (optional) part of the agency's name, case-insensitive (Ban Tổ chức)
// param: province (optional) only agencies of this province
// param: role (optional) lead | cooperating
// param: due-before (optional) YYYY-MM-DD: only tasks whose deadline falls before that day
MATCH (agency)-[r:LEADS|COOPERATES_ON]->(task:Task)-[:IN_DOCUMENT]->(d)
WHERE task.content IS NOT NULL AND agency.name IS NOT NULL
WITH agency, task, d, CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'cooperating' END AS role
OPTIONAL MATCH (agency)-[:IN_PROVINCE]->(p:Province)
WITH agency, task, d, role, p.name AS province
WHERE ($p_agency IS NULL OR toLower(agency.name) CONTAINS toLower($p_agency))
  AND ($p_province IS NULL OR province = $p_province)
  AND ($p_role IS NULL OR role = $p_role)
  AND ($p_due_before IS NULL OR toString(task.deadlineDate) < $p_due_before)
RETURN agency.iri AS agency, agency.name AS agencyName, role, task.iri AS task, task.content AS content,
       task.deadline AS deadline, task.deadlineDate AS deadlineDate, coalesce(d.symbol, d.label) AS document,
       province
ORDER BY agencyName, role, deadlineDate, document
