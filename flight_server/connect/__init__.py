"""Substrait plans as Spark Connect relations, planned by Spark's own Spark Connect planner.

The translation is pure Python: a Substrait plan becomes Spark Connect's protobuf
``Relation`` (:mod:`.relations`, :mod:`.expressions`, :mod:`.literals`), with names left
unresolved; :mod:`.columns` derives the columns ordinal references name, :mod:`.reads` a
read's columns from its ``base_schema``, :mod:`.producers` lists other producers'
deviations from the specification, :mod:`.options` the function options Spark's twins
honour; :mod:`.python`
composes Python functions' pickles without unpickling them (:mod:`.in_workers` holds what
runs in Spark's Python workers), :mod:`.commands` registers functions and data sources,
:mod:`.uploads` keeps uploaded data. :mod:`.planner` hands the relation's bytes to the JVM
in one call, where ``SparkConnectPlanner`` builds the logical plan and Spark analyses it
once.
"""

from __future__ import annotations


class NotTranslatable(Exception):  # noqa: N818 - a signal, not an error of the client's
    """A plan uses a form this translation does not cover; the server refuses the plan,
    naming the form (:func:`sparkflight.flight_server.translate.connect_relation`)."""
