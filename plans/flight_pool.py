"""The descriptor pool of the Arrow Flight and Flight SQL messages that sparkflight serves.

Other packages (flightsql-dbapi, for one) register their own copies of these messages,
under the same names, in protobuf's default pool. ``plans/flight_sql_pb2.py`` and
``plans/flight_pb2.py`` are generated into this pool instead, so both live in one process.
"""

from google.protobuf import descriptor_pool

POOL = descriptor_pool.DescriptorPool()
