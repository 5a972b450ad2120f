"""The sparkflight wire format: Substrait plans plus sparkflight's extensions."""
