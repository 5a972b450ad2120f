"""sparkflight's unresolved expression forms: the functions of
:data:`~plans.extensions.EXPRESSIONS_URN`.

Substrait lacks these forms (a column by name, an alias, a lambda, ...), so a plan
calls them as functions of sparkflight's own extension, whose arguments are listed
below. The client's expression classes send them, the server translates them; both
name them by these constants, and :data:`PSEUDO_FUNCTIONS` is the whole set.
"""

from __future__ import annotations

COLUMN = "column"
STAR = "star"
ALIAS = "alias"
ALIAS_WITH_METADATA = "alias_with_metadata"
SQL_EXPRESSION = "sql_expression"
CAST = "cast"
TRY_CAST = "try_cast"
EXTRACT_VALUE = "extract_value"
SORT_ORDER = "sort_order"
WITH_FIELD = "with_field"
DROP_FIELDS = "drop_fields"
COLUMN_REGEX = "column_regex"
METADATA_COLUMN = "metadata_column"
LAMBDA = "lambda"
LAMBDA_VARIABLE = "lambda_variable"
OUTER = "outer"
PYTHON_UDF = "python_udf"

#: Each form by name: what it is, and its arguments.
PSEUDO_FUNCTIONS: dict[str, str] = {
    COLUMN: "a column by name: (name[, plan id of the DataFrame it is tied to])",
    STAR: "all columns: ([target, [plan id]]); a plan id follows a target, empty if none",
    ALIAS: "a named expression: (expression, name, ...)",
    ALIAS_WITH_METADATA: "a named expression with column metadata: (expression, name, JSON)",
    SQL_EXPRESSION: "a SQL expression's text: (text)",
    CAST: "a cast to a type Substrait cannot say: (expression, DDL type)",
    TRY_CAST: "a cast to null on failure, to a type Substrait cannot say: (expression, DDL type)",
    EXTRACT_VALUE: "an array item, map value or struct field: (expression, key)",
    SORT_ORDER: "a sort order as an expression: (expression, Substrait sort direction)",
    WITH_FIELD: "a struct with a field added or replaced: (struct, field name, value)",
    DROP_FIELDS: "a struct without some fields: (struct, field name, ...)",
    COLUMN_REGEX: "the columns whose names match a regex: (regex, plan id)",
    METADATA_COLUMN: "a data source's metadata column: (name, plan id)",
    LAMBDA: "a lambda function: (body, variable name, ...)",
    LAMBDA_VARIABLE: "a variable of an enclosing lambda function: (name)",
    OUTER: "a reference to the outer query of a subquery: (column)",
    PYTHON_UDF: "a Python UDF call: (serialized PythonFunction as binary, argument, ...)",
}
