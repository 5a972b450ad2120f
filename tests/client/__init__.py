import pytest

# Show the compared values when an assertion in the shared harness fails.
pytest.register_assert_rewrite("tests.client.harness")
