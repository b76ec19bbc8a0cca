# vankien-kg: two commands on a fresh machine.
#   make demo   build the example corpus into a graph on the embedded store and print answers
#   make test   install everything (.venv, Neo4j jars, Chromium) and run the whole suite
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
GRAPH   ?= kg-graph

.PHONY: demo test venv jars chromium clean extract-demo

venv: $(STAMP)
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

demo: venv
	$(BIN)/kg extract examples/corpus --format table

# The embedded Neo4j launcher: classes + dependency jars under tools/neo4j/target
# (Maven caches downloads in ~/.m2). The stamp makes a rebuild happen only on change.
NEO4J_STAMP := tools/neo4j/target/.built
jars: $(NEO4J_STAMP)
$(NEO4J_STAMP): tools/neo4j/pom.xml $(wildcard tools/neo4j/src/main/java/vankien/*.java)
	mvn -q -B -f tools/neo4j/pom.xml package dependency:copy-dependencies
	touch $@

test: venv jars
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(GRAPH) .pytest_cache
