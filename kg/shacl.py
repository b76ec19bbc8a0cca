"""SHACL conformance of a built graph to ``ontology/shapes.ttl``: by pyshacl, or piece by piece.

pyshacl is the reference, but it holds the graph in rdflib (minutes and gigabytes for a
million triples). So :func:`check_piece` checks the same shapes (the SHACL Core subset they
use: targetClass, targetSubjectsOf, minCount, maxCount, datatype, nodeKind, class, hasValue,
minInclusive, maxInclusive, minLength, pattern, lessThan, and ``xone`` of ``and`` of counts) in
one pass over a sorted N-Triples piece, where a subject's lines are consecutive. ``kg build``
runs it in its workers on each piece it writes, and keeps the result with the piece's state,
so an incremental build checks only the pieces that changed. A value of ``sh:class`` owned by
another piece (a central document cited in a provincial file) cannot be typed from its own
piece: it is kept as a hash, and :func:`conformance` looks it up among the typed nodes of all
pieces.

    >>> lines = ['<urn:s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Entity> .']
    >>> conformance([check_piece(lines)])[0]
    True
    >>> bad = ['<urn:f> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://vankien.example.org/ontology#SourceFile> .']
    >>> ok, text = conformance([check_piece(bad)])
    >>> ok, "SourceFileShape path minCount 1" in text
    (False, True)
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace

from kg.rdf import ontology_graph, shapes_graph

SH = Namespace("http://www.w3.org/ns/shacl#")
_TYPE = f"<{RDF.type}>"
_STRING = f"<{XSD.string}>"
# lexical forms of the datatypes the shapes use (pyshacl rejects ill-typed literals too)
_LEXICAL = {f"<{XSD.date}>": re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?"),
            f"<{XSD.integer}>": re.compile(r"[+-]?[0-9]+"), f"<{XSD.boolean}>": re.compile(r"true|false|1|0"),
            f"<{XSD.decimal}>": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")}
_NUMERIC = {f"<{XSD.integer}>", f"<{XSD.decimal}>", f"<{XSD.double}>", f"<{XSD.float}>"}
_ESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)')
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def validate(graph: Graph) -> tuple[bool, str]:
    """pyshacl validation of a built graph against the shapes: ``(conforms, report text)``.

    >>> from kg.rdf import to_rdf
    >>> from kg.resolve import resolve
    >>> validate(to_rdf(resolve([])))[0]
    True
    """
    from pyshacl import validate as _validate

    conforms, _, text = _validate(graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
                                  inference="none", allow_warnings=True)
    return bool(conforms), str(text)


# ---- one N-Triples term

def _literal(o: str) -> tuple[str, str] | None:
    """``(lexical form, datatype)`` of a literal in N-Triples (None for an IRI or blank node)."""
    if not o.startswith('"'):
        return None
    if o.endswith('"'):
        return _unescape(o[1:-1]), _STRING
    if o.endswith(">"):
        i = o.rfind('"^^<')
        return _unescape(o[1:i]), o[i + 3:]
    i = o.rfind('"@')
    return _unescape(o[1:i]), f"<{RDF.langString}>"


def _unescape(lex: str) -> str:
    if "\\" not in lex:
        return lex
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m[1], m[1]) if len(m[1]) == 1 else chr(int(m[1][1:], 16)), lex)


def _value(o: str):
    """A comparable value (numbers as Decimal, dates as ISO text), or None if it has none."""
    lit = _literal(o)
    if lit is None:
        return None
    lex, dt = lit
    if dt in _NUMERIC:
        try:
            return Decimal(lex)
        except InvalidOperation:
            return None
    return ("date", lex) if dt == f"<{XSD.date}>" else None


def _string(o: str) -> str | None:
    """What sh:minLength and sh:pattern read: a literal's lexical form or an IRI (None: blank node)."""
    lit = _literal(o)
    if lit is not None:
        return lit[0]
    return o[1:-1] if o.startswith("<") else None


def value_hash(iri: str) -> int:
    """A node's IRI as 64 bits: what a piece keeps of the values typed in other pieces."""
    return int.from_bytes(hashlib.blake2b(iri.encode(), digest_size=8).digest(), "big")


# ---- the shapes, compiled

Rule = Callable[[dict], bool]   # a subject's {predicate: [objects]} -> does it conform


@dataclass
class ClassRule:
    label: str
    path: str
    allowed: frozenset[str]       # the class and its subclasses, as "<iri>"
    name: str                     # the class, as "<iri>" (the key of PieceCheck.has)


@dataclass(eq=False)
class NodeShape:
    name: str
    classes: frozenset[str]       # targetClass and its subclasses
    subjects_of: tuple[str, ...]  # targetSubjectsOf
    rules: list[tuple[str, Rule]] = field(default_factory=list)
    class_rules: list[ClassRule] = field(default_factory=list)
    # props -> the labels of the rules it breaks (None: it conforms); set by compiled_shapes
    failures: Callable[[dict], list[str] | None] | None = None


# A rule is written once, as Python source over the names ``n`` (how many values the path
# has), ``v`` (its values) or ``o`` (each value), with the constants it needs: compiled on its own
# (xone calls it) and inlined by _compile_shape, which writes all of a shape's rules into one
# function: a subject is then checked by one call per shape, not one per rule and value (two
# thirds of the check's time before). Rules that need a Python helper are plain closures.

def _test(source: str, **consts) -> Callable[[str], bool]:
    """A test of one value ``o``, from its source."""
    fn = eval(f"lambda o: {source}", dict(consts))  # noqa: S307 - our own source, from the shapes' numbers
    fn.inline = (source, consts)
    return fn


def _rule(path: str, over: str, source: str, **consts) -> Rule:
    """A rule on the values of ``path``: ``over`` is "n" or "v" (the source tests the count or
    the values at once) or "o" (it tests each value)."""
    if over == "o":
        test = _test(source, **consts)

        def rule(props: dict) -> bool:
            return all(test(o) for o in props.get(path, ()))
    else:
        whole = eval(f"lambda n, v: {source}", dict(consts))  # noqa: S307

        def rule(props: dict) -> bool:
            v = props.get(path, ())
            return whole(len(v), v)
    rule.inline = (path, over, source, consts)
    return rule


def _count(path: str, low: int | None, high: int | None) -> Rule:
    tests = ([f"n >= {low}"] if low is not None else []) + ([f"n <= {high}"] if high is not None else [])
    return _rule(path, "n", " and ".join(tests) or "True")


def _each(path: str, ok: Callable[[str], bool]) -> Rule:
    if hasattr(ok, "inline"):
        source, consts = ok.inline
        return _rule(path, "o", source, **consts)

    def rule(props: dict) -> bool:
        return all(ok(o) for o in props.get(path, ()))
    return rule


def _datatype_ok(dt: str) -> Callable[[str], bool]:
    if dt == _STRING:                     # a plain literal (or one typed xsd:string)
        return _test("o[0] == '\"' and (o[-1] == '\"' or o.endswith(SUFFIX))", SUFFIX='"^^' + _STRING)
    lexical, suffix = _LEXICAL.get(dt), '"^^' + dt
    # the lexical forms checked here have no escapes
    lex = "" if lexical is None else f" and LEXICAL.fullmatch(o[1:{-len(suffix)}]) is not None"
    return _test("o.endswith(SUFFIX) and o[0] == '\"'" + lex, SUFFIX=suffix, LEXICAL=lexical)


def _bound_ok(bound: Literal, below: bool) -> Callable[[str], bool]:
    limit = _value(bound.n3())

    def ok(o: str) -> bool:
        v = _value(o)
        if v is None or type(v) is not type(limit):
            return False
        return v <= limit if below else v >= limit
    return ok


def _min_length_ok(n: int) -> Callable[[str], bool]:
    def ok(o: str) -> bool:
        text = _string(o)
        return text is not None and len(text) >= n
    return ok


def _less_than(path: str, other: str) -> Rule:
    def rule(props: dict) -> bool:
        for a in props.get(path, ()):
            for b in props.get(other, ()):
                va, vb = _value(a), _value(b)
                if va is None or vb is None or type(va) is not type(vb) or not va < vb:
                    return False
        return True
    return rule


def _xone(alternatives: list[list[Rule]]) -> Rule:
    def rule(props: dict) -> bool:
        return sum(all(r(props) for r in alt) for alt in alternatives) == 1
    return rule


@cache
def compiled_shapes() -> tuple[NodeShape, ...]:
    """The node shapes of ``ontology/shapes.ttl`` as Python checks (subclasses from the ontology)."""
    from rdflib.collection import Collection

    shapes, onto = shapes_graph(), ontology_graph()

    def subclasses(c) -> frozenset[str]:
        out, todo = {c}, [c]
        while todo:
            for sub in onto.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in out:
                    out.add(sub)
                    todo.append(sub)
        return frozenset(f"<{x}>" for x in out)

    def local(term) -> str:
        return str(term).split("#")[-1].split("/")[-1]

    compiled = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        classes = frozenset().union(*(subclasses(c) for c in shapes.objects(shape, SH.targetClass)))
        ns = NodeShape(local(shape), classes, tuple(f"<{p}>" for p in shapes.objects(shape, SH.targetSubjectsOf)))
        for ps in shapes.objects(shape, SH.property):
            path = shapes.value(ps, SH.path)
            P, pn = f"<{path}>", local(path)
            for mc in shapes.objects(ps, SH.minCount):
                ns.rules.append((f"{pn} minCount {mc}", _count(P, int(mc), None)))
            for mc in shapes.objects(ps, SH.maxCount):
                ns.rules.append((f"{pn} maxCount {mc}", _count(P, None, int(mc))))
            for dt in shapes.objects(ps, SH.datatype):
                ns.rules.append((f"{pn} datatype {local(dt)}", _each(P, _datatype_ok(f"<{dt}>"))))
            for kind in shapes.objects(ps, SH.nodeKind):
                if kind == SH.IRI:
                    ns.rules.append((f"{pn} nodeKind IRI", _rule(P, "o", "o.startswith('<')")))
            for x in shapes.objects(ps, SH.minInclusive):
                ns.rules.append((f"{pn} minInclusive {x}", _each(P, _bound_ok(x, below=False))))
            for x in shapes.objects(ps, SH.maxInclusive):
                ns.rules.append((f"{pn} maxInclusive {x}", _each(P, _bound_ok(x, below=True))))
            for x in shapes.objects(ps, SH.minLength):
                ns.rules.append((f"{pn} minLength {x}", _each(P, _min_length_ok(int(x)))))
            for x in shapes.objects(ps, SH.pattern):
                rx = re.compile(str(x))
                ns.rules.append((f"{pn} pattern", _each(P, lambda o, rx=rx: _string(o) is not None and rx.search(_string(o)) is not None)))
            for v in shapes.objects(ps, SH.hasValue):
                ns.rules.append((f"{pn} hasValue {v}", _rule(P, "v", "WANT in v", WANT=v.n3())))
            for q in shapes.objects(ps, SH.lessThan):
                ns.rules.append((f"{pn} lessThan {local(q)}", _less_than(P, f"<{q}>")))
            for c in shapes.objects(ps, SH["class"]):
                ns.class_rules.append(ClassRule(f"{pn} class {local(c)}", P, subclasses(c), f"<{c}>"))
        for xone in shapes.objects(shape, SH.xone):
            alternatives = []
            for alt in Collection(shapes, xone):
                alternatives.append([_count(f"<{shapes.value(part, SH.path)}>",
                                            int(shapes.value(part, SH.minCount)) if shapes.value(part, SH.minCount) is not None else None,
                                            int(shapes.value(part, SH.maxCount)) if shapes.value(part, SH.maxCount) is not None else None)
                                     for part in Collection(shapes, shapes.value(alt, SH["and"]))])
            ns.rules.append(("xone", _xone(alternatives)))
        ns.failures = _compile_shape(ns)
        compiled.append(ns)
    return tuple(compiled)


def _compile_shape(shape: NodeShape) -> Callable[[dict], list[str] | None]:
    """One function testing all of a shape's rules on a subject's ``{predicate: [objects]}``:
    the inlined ones as written in their ``inline`` source, the others by calling them."""
    env: dict = {"EMPTY": ()}
    head, body = [], []
    paths: dict[str, int] = {}
    for i, (label, rule) in enumerate(shape.rules):
        env[f"L{i}"] = label
        inline = getattr(rule, "inline", None)
        if inline is None:
            env[f"R{i}"] = rule
            body += [f"    if not R{i}(props):", f"        bad = (bad or []) + [L{i}]"]
            continue
        path, over, source, consts = inline
        if path not in paths:
            k = paths[path] = len(paths)
            env[f"P{k}"] = path
            head += [f"    v{k} = props.get(P{k}, EMPTY)", f"    n{k} = len(v{k})"]
        k = paths[path]
        for name, value in consts.items():
            env[f"{name}{i}"] = value
            source = re.sub(rf"\b{name}\b", f"{name}{i}", source)
        if over != "o":                  # n and v are the path's count and values: n{k}, v{k}
            source = re.sub(r"\b([nv])\b", rf"\g<1>{k}", source)
        if over == "o":
            body += [f"    for o in v{k}:", f"        if not ({source}):",
                     f"            bad = (bad or []) + [L{i}]", "            break"]
        else:
            body += [f"    if not ({source}):", f"        bad = (bad or []) + [L{i}]"]
    code = "\n".join(["def failures(props):", "    bad = None", *head, *body, "    return bad"])
    exec(compile(code, f"<shape {shape.name}>", "exec"), env)
    return env["failures"]


# ---- one piece

@dataclass
class PieceCheck:
    """What checking one piece found: its violations, the ``sh:class`` values it could not type
    (owned by other pieces), and its own nodes of each class those rules ask for."""
    violations: dict[str, list[str]] = field(default_factory=dict)   # "Shape constraint" -> focus nodes
    counts: dict[str, int] = field(default_factory=dict)             # violations per constraint
    needs: dict[tuple[str, str, str], set[int]] = field(default_factory=dict)  # (label, path, class) -> value hashes
    has: dict[str, set[int]] = field(default_factory=dict)           # class -> hashes of this piece's nodes


def check_piece(lines: Iterable[str], limit: int = 20) -> PieceCheck:
    """Check the shapes on one piece: sorted N-Triples lines (``<s> <p> <o> .``), every line of a
    subject in this piece. One pass: a subject's types are among its own lines, and the values of
    ``sh:class`` rules are checked at the end, when every subject of the piece is typed."""
    shapes = compiled_shapes()
    result = PieceCheck()
    types: dict[str, frozenset[str]] = {}
    later: list[tuple[str, str, str, ClassRule]] = []    # (shape name, focus, value, rule)
    wanted = {r.name: r.allowed for sh in shapes for r in sh.class_rules}
    by_types: dict[frozenset, list[NodeShape]] = {}      # a subject's types -> the shapes targeting it
    by_predicate = [(p, sh) for sh in shapes for p in sh.subjects_of]

    def violation(label: str, focus: str) -> None:
        n = result.counts.get(label, 0)
        result.counts[label] = n + 1
        if n < limit:
            result.violations.setdefault(label, []).append(focus)

    def check(s: str, props: dict) -> None:
        typed = props.get(_TYPE)
        ts = frozenset(typed) if typed else frozenset()
        if typed:
            types[s] = ts
            for name, allowed in wanted.items():
                if ts & allowed:
                    result.has.setdefault(name, set()).add(value_hash(s[1:-1]))
        focus_of = by_types.get(ts)
        if focus_of is None:
            focus_of = by_types[ts] = [sh for sh in shapes if sh.classes & ts]
        for p, sh in by_predicate:
            if p in props and sh not in focus_of:
                focus_of = focus_of + [sh]
        for sh in focus_of:
            bad = sh.failures(props)
            if bad:
                for label in bad:
                    violation(f"{sh.name} {label}", s[1:-1])
            for cr in sh.class_rules:
                for o in props.get(cr.path, ()):
                    if not o.startswith("<"):
                        violation(f"{sh.name} {cr.label}", s[1:-1])
                    else:
                        later.append((sh.name, s, o, cr))

    current, props = None, {}
    for line in lines:
        s, p, o = line.split(" ", 2)
        if s != current:
            if current is not None:
                check(current, props)
            current, props = s, {}
        values = props.get(p)
        if values is None:
            props[p] = [o[:-2]]
        else:
            values.append(o[:-2])
    if current is not None:
        check(current, props)
    for name, s, o, cr in later:
        if o in types:
            if not types[o] & cr.allowed:
                violation(f"{name} {cr.label}", s[1:-1])
        else:
            result.needs.setdefault((f"{name} {cr.label}", cr.path, cr.name), set()).add(value_hash(o[1:-1]))
    return result


# ---- the pieces together

def conformance(checks: list[PieceCheck], pieces: Iterable[Path] = (), limit: int = 20) -> tuple[bool, str]:
    """``(conforms, report text)`` of the pieces' checks together: their violations, and the
    ``sh:class`` values that no piece types with the class (their focus nodes are looked up in
    ``pieces``, the N-Triples files, when some are given)."""
    counts: dict[str, int] = {}
    focus: dict[str, list[str]] = {}
    for c in checks:
        for label, n in c.counts.items():
            counts[label] = counts.get(label, 0) + n
            focus.setdefault(label, []).extend(c.violations.get(label, []))
    has: dict[str, set[int]] = {}
    for c in checks:
        for name, hashes in c.has.items():
            has.setdefault(name, set()).update(hashes)
    missing: dict[tuple[str, str], set[int]] = {}
    for c in checks:
        for (label, path, name), hashes in c.needs.items():
            bad = hashes - has.get(name, set())
            if bad:
                missing.setdefault((label, path), set()).update(bad)
    for (label, path), bad in missing.items():
        counts[label] = counts.get(label, 0) + len(bad)
        focus.setdefault(label, []).extend(_subjects_with(pieces, path, bad, limit))
    lines = [f"Violation: {label}: " + ", ".join(sorted(focus[label])[:limit]) + (" …" if counts[label] > limit else "")
             for label in sorted(counts)]
    head = ("Validation Report (SHACL shapes checked piece by piece on the N-Triples)\n"
            f"Conforms: {not counts}\n")
    return not counts, head + "".join(line + "\n" for line in lines)


def _subjects_with(pieces: Iterable[Path], path: str, bad: set[int], limit: int) -> list[str]:
    """Subjects of ``path`` lines whose value hashes are in ``bad`` (a report's rare slow path)."""
    found: list[str] = []
    marker = f" {path} <"
    for piece in pieces:
        with open(piece, encoding="utf-8") as fh:
            for line in fh:
                if marker in line:
                    s, p, o = line.rstrip("\n").split(" ", 2)
                    if p == path and value_hash(o[1:-3]) in bad:
                        found.append(s[1:-1])
                        if len(found) >= limit:
                            return found
    return found
