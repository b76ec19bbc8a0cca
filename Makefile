# vankien-kg: two commands on a fresh machine.
#   make demo   build the example corpus into a graph on the embedded store and print answers
#   make test   install everything (.venv, Neo4j jars, Chromium) and run the whole suite
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
GRAPH   ?= kg-graph

.PHONY: demo test venv jars chromium clean

venv: $(STAMP)
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# The main job on the embedded default (pyoxigraph, no server): build the example corpus,
# then answer three named queries.
demo: venv
	$(BIN)/kg build examples/corpus --out $(GRAPH)
	@echo; echo "== lineage of 55-CTr/TU (what it implements or continues, up to central documents)"
	$(BIN)/kg query lineage --param doc=55-CTr/TU --graph $(GRAPH) --columns fromSymbol,relation,toSymbol,toDate,central
	@echo; echo "== implementers of 21-NQ/TW (with the delay after the resolution)"
	$(BIN)/kg query implementers --param doc=21-NQ/TW --graph $(GRAPH) --columns symbol,date,province,direct,delayDays
	@echo; echo "== planned đề án and chương trình of the corpus: issued or still open"
	$(BIN)/kg query planned-vs-issued --graph $(GRAPH) --columns planSymbol,ordinal,kind,deadline,status,issuedSymbol,delayDays

# The embedded Neo4j launcher: classes + dependency jars under tools/neo4j/target
# (Maven caches downloads in ~/.m2). The stamp makes a rebuild happen only on change.
NEO4J_STAMP := tools/neo4j/target/.built
jars: $(NEO4J_STAMP)
$(NEO4J_STAMP): tools/neo4j/pom.xml $(wildcard tools/neo4j/src/main/java/vankien/*.java)
	mvn -q -B -f tools/neo4j/pom.xml package dependency:copy-dependencies
	touch $@

test: venv jars chromium
	$(BIN)/python -m pytest -q -rfE

# Neo4j with the demo corpus: build it, start the bundled Neo4j 5.26 (127.0.0.1, no auth),
# load the graph and print the Bolt URI for Neo4j Browser or cypher-shell (`kg neo4j stop` stops it).
.PHONY: neo4j-demo
neo4j-demo: venv jars
	$(BIN)/kg build examples/corpus --out $(GRAPH)
	$(BIN)/kg neo4j start
	$(BIN)/kg neo4j load --graph $(GRAPH)
	@echo "Bolt URI: $$($(BIN)/python -c 'from kg.neo4j import server; print(server.running_info().uri)')  (no auth; cypher-shell -a <URI>)"

# Headless Chromium for the browser tests (Debian's package; Playwright never downloads a browser).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)

clean:
	rm -rf $(VENV) $(GRAPH) .pytest_cache
