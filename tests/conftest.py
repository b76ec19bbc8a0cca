from neo4j_fixtures import neo4j_server  # noqa: F401  (session fixture: the real Neo4j launcher)
from graph_fixtures import corpus_graph, sample_graph  # noqa: F401  (session fixtures: built graphs)
