"""Neo4j side of vankien-kg: the local launcher (``server``) and connection settings (``connect``).

The launcher runs Neo4j Community 5.26 embedded in a JVM (``tools/neo4j``, built by
``make jars``) and exposes only Bolt on 127.0.0.1.
"""
