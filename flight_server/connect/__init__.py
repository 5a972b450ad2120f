"""Substrait plans as Spark Connect relations, planned by Spark's own Spark Connect planner.

The translation (:mod:`.relations`, :mod:`.expressions`, :mod:`.literals`) is pure Python:
a Substrait plan becomes Spark Connect's protobuf ``Relation``, with names left unresolved.
:mod:`.planner` hands its bytes to the JVM in one call, where ``SparkConnectPlanner`` builds
the logical plan and Spark analyses it once.
"""

from __future__ import annotations


class NotTranslatable(Exception):  # noqa: N818 - a signal, not an error of the client's
    """A plan uses a form this translation does not cover; the server refuses the plan,
    naming the form (:func:`sparkflight.flight_server.translate.connect_relation`)."""
